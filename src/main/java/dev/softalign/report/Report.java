package dev.softalign.report;

import dev.softalign.io.AtomicFiles;
import dev.softalign.io.IoFailure;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

/**
 * An HTML page with text, figures and tables, written as index.html plus one image and one CSV
 * per figure and one CSV per table. The page opens offline: no scripts, no external styles
 * (the CSS is inline), only relative links to files written beside it.
 */
public final class Report {

    private sealed interface Block permits Heading, Text, Link, FigureBlock, TableBlock, DataBlock, VerdictBlock {
    }

    private record Heading(String text) implements Block {
    }

    private record Text(String text) implements Block {
    }

    private record Link(String href, String text, String after) implements Block {
    }

    private record FigureBlock(Figure figure) implements Block {
    }

    private record TableBlock(String name, String title, String caption, Table table) implements Block {
    }

    private record DataBlock(String name, String text, Table table) implements Block {
    }

    private record VerdictBlock(List<Verdict> verdicts) implements Block {
    }

    static {
        Charts.quietLogging();
    }

    private final String title;
    private final List<Block> blocks = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    public Report(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public Report heading(String text) {
        blocks.add(new Heading(text));
        return this;
    }

    /** A paragraph of plain text (escaped; no markup). */
    public Report text(String paragraph) {
        blocks.add(new Text(paragraph));
        return this;
    }

    /** A paragraph holding a relative link (to a file that the caller makes sure exists), then plain text. */
    public Report link(String href, String text, String after) {
        blocks.add(new Link(href, text, after));
        return this;
    }

    public Report figure(Figure f) {
        claim(f.name());
        blocks.add(new FigureBlock(f));
        return this;
    }

    /** A table shown in the page and written to name.csv. */
    public Report table(String name, String title, String caption, Table t) {
        claim(name);
        new Figure(name, title, caption, new Lines("", "", List.of())); // validates the file name
        blocks.add(new TableBlock(name, title, caption, t));
        return this;
    }

    /** A table too long to show: written to name.csv, and the page links it after text. */
    public Report data(String name, String text, Table t) {
        claim(name);
        new Figure(name, text, text, new Lines("", "", List.of())); // validates the file name
        blocks.add(new DataBlock(name, text, t));
        return this;
    }

    /** The verdict table (also written to verdict.csv); a report of an experiment ends with it. */
    public Report verdicts(List<Verdict> verdicts) {
        claim("verdict");
        blocks.add(new VerdictBlock(List.copyOf(verdicts)));
        return this;
    }

    /** The verdicts added with {@link #verdicts}, empty if none. */
    public List<Verdict> verdictList() {
        for (Block b : blocks) {
            if (b instanceof VerdictBlock vb) {
                return vb.verdicts();
            }
        }
        return List.of();
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("report '" + title + "': two items are named '" + name + "'");
        }
    }

    /**
     * Writes dir/index.html and its files; returns index.html. Everything is first written into a
     * hidden folder inside dir and moved into place only when all of it is written, index.html
     * last: a failure (a full disk) leaves dir as it was, and a folder created here is removed.
     */
    public Path write(Path dir, ImageFormat format) {
        boolean created = !Files.exists(dir);
        Path stage = dir.resolve(STAGING);
        try {
            AtomicFiles.deleteTree(stage);
            Files.createDirectories(stage);
            writeInto(stage, format);
            List<Path> files;
            try (var list = Files.list(stage)) {
                files = list.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().equals("index.html"))
                        .thenComparing(Path::getFileName)).toList();
            }
            for (Path f : files) {
                AtomicFiles.rename(f, dir.resolve(f.getFileName()));
            }
            AtomicFiles.deleteTree(stage);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteTree(stage);
                if (created) {
                    Files.deleteIfExists(dir);
                }
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            if (e instanceof IOException io) {
                throw IoFailure.of(dir, "cannot write the report", io);
            }
            throw (RuntimeException) e;
        }
        return dir.resolve("index.html");
    }

    /** Where {@link #write} puts a report until all of it is written. */
    static final String STAGING = ".report-in-progress";

    private void writeInto(Path dir, ImageFormat format) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        int figureNumber = 0;
        // The verdict table ends the report, whenever it was added.
        List<Block> ordered = new ArrayList<>(blocks.stream().filter(b -> !(b instanceof VerdictBlock)).toList());
        ordered.addAll(blocks.stream().filter(b -> b instanceof VerdictBlock).toList());
        for (Block b : ordered) {
            if (b instanceof Heading h) {
                body.append("<h2>").append(Html.escape(h.text())).append("</h2>\n");
            } else if (b instanceof Text t) {
                body.append("<p>").append(Html.escape(t.text())).append("</p>\n");
            } else if (b instanceof Link l) {
                body.append("<p><a href=\"").append(Html.escape(l.href())).append("\">").append(Html.escape(l.text()))
                        .append("</a>").append(Html.escape(l.after() == null ? "" : l.after())).append("</p>\n");
            } else if (b instanceof FigureBlock fb) {
                Figure f = fb.figure();
                Path image = Charts.write(f, dir, format);
                figureNumber++;
                String file = image.getFileName().toString();
                body.append("<figure id=\"").append(Html.escape(f.name())).append("\">\n<img src=\"")
                        .append(Html.escape(file)).append("\" alt=\"").append(Html.escape(f.title()))
                        .append("\" width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT)
                        .append("\">\n<figcaption><b>Figure ").append(figureNumber).append(".</b> ")
                        .append(Html.escape(f.caption())).append(" <a href=\"").append(Html.escape(f.name()))
                        .append(".csv\">data (CSV)</a></figcaption>\n</figure>\n");
            } else if (b instanceof TableBlock tb) {
                Charts.writeCsv(tb.table(), dir.resolve(tb.name() + ".csv"));
                body.append("<h3>").append(Html.escape(tb.title())).append("</h3>\n");
                if (tb.caption() != null && !tb.caption().isBlank()) {
                    body.append("<p class=\"caption\">").append(Html.escape(tb.caption())).append("</p>\n");
                }
                body.append(tableHtml(tb.table())).append("<p class=\"data\"><a href=\"")
                        .append(Html.escape(tb.name())).append(".csv\">data (CSV)</a></p>\n");
            } else if (b instanceof DataBlock db) {
                Charts.writeCsv(db.table(), dir.resolve(db.name() + ".csv"));
                body.append("<p>").append(Html.escape(db.text())).append(" <a href=\"").append(Html.escape(db.name()))
                        .append(".csv\">").append(Html.escape(db.name())).append(".csv</a></p>\n");
            } else if (b instanceof VerdictBlock vb) {
                Table t = verdictTable(vb.verdicts());
                Charts.writeCsv(t, dir.resolve("verdict.csv"));
                body.append("<h2>Verdict</h2>\n<p>Each claim of the paper that this experiment tests, the numbers ")
                        .append("measured here, and whether the trend reproduced, decided by the stated rule from the data.</p>\n")
                        .append(verdictHtml(vb.verdicts()))
                        .append("<p class=\"data\"><a href=\"verdict.csv\">data (CSV)</a></p>\n");
            }
        }
        AtomicFiles.writeString(dir.resolve("index.html"), Html.page(title, body.toString()));
    }

    public static Table verdictTable(List<Verdict> verdicts) {
        StringColumn claim = StringColumn.create("claim");
        StringColumn rule = StringColumn.create("rule");
        StringColumn measured = StringColumn.create("measured");
        StringColumn outcome = StringColumn.create("reproduced");
        for (Verdict v : verdicts) {
            claim.append(v.claim());
            rule.append(v.rule());
            measured.append(v.measured());
            outcome.append(v.outcome().label());
        }
        return Table.create("verdict", claim, rule, measured, outcome);
    }

    private static String verdictHtml(List<Verdict> verdicts) {
        StringBuilder s = new StringBuilder("<table class=\"verdict\">\n<thead><tr><th>Claim</th><th>Rule</th>"
                + "<th>Measured</th><th>Reproduced</th></tr></thead>\n<tbody>\n");
        for (Verdict v : verdicts) {
            s.append("<tr><td>").append(Html.escape(v.claim())).append("</td><td>").append(Html.escape(v.rule()))
                    .append("</td><td>").append(Html.escape(v.measured())).append("</td><td class=\"")
                    .append(v.outcome().label()).append("\">").append(v.outcome().label()).append("</td></tr>\n");
        }
        return s.append("</tbody>\n</table>\n").toString();
    }

    static String tableHtml(Table t) {
        StringWriter w = new StringWriter();
        try {
            new HtmlWriter().write(t, HtmlWriteOptions.builder(w).escapeText(true).build());
        } catch (IOException e) {
            throw new IoFailure("table " + t.name() + ": cannot render: " + e.getMessage(), e);
        }
        return w.toString();
    }
}
