package dev.softalign.report;

/** The page frame with inline CSS (reports open offline, without network fetches), and escaping. */
final class Html {

    private static final String CSS = String.join("\n",
            "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;",
            "padding:0 1em;color:#222;line-height:1.45}",
            "h1{font-size:1.6em;border-bottom:2px solid #ddd;padding-bottom:.3em}",
            "h2{font-size:1.3em;margin-top:1.8em}",
            "figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}",
            "figcaption{font-size:.92em;color:#444;margin-top:.4em}",
            "table{border-collapse:collapse;margin:.6em 0;font-size:.9em}",
            "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}",
            "th{background:#f3f3f3}",
            "td.yes{background:#d9f2d9;font-weight:bold}td.no{background:#f7d4d4;font-weight:bold}",
            "td.partly{background:#fbefc9;font-weight:bold}td.undecided{background:#eee}",
            ".caption,.data{font-size:.9em;color:#555}");

    private Html() {
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n" + CSS + "\n</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
