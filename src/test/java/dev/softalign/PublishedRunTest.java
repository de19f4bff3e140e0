package dev.softalign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published full run (reports/full, committed) and the README's claim table agree: every
 * verdict of every dataset's experiments is a row of the table, with the same measured numbers and
 * outcome, and nothing else is; the overview opens offline and every figure has its CSV. When the
 * table is out of date, the failure message is the table to paste.
 */
class PublishedRunTest {

    static final Path FULL = Path.of("reports", "full");
    static final String TABLE_HEAD = "| claim | reading | dataset | experiment | measured | verdict |";

    @Test
    void readmeTableIsTheCommittedVerdicts() throws IOException {
        List<String> expected = expectedRows();
        assertFalse(expected.isEmpty(), "no verdict.csv under " + FULL);
        List<String> table = readmeTable();
        assertEquals(String.join("\n", expected), String.join("\n", table),
                "README's claim table differs from reports/full; the table to paste:\n" + TABLE_HEAD
                        + "\n|---|---|---|---|---|---|\n" + String.join("\n", expected) + "\n");
    }

    @Test
    void overviewOpensOfflineAndEveryFigureHasItsCsv() throws IOException {
        Path index = FULL.resolve("index.html");
        assertTrue(Files.isRegularFile(index), "missing " + index);
        String html = Files.readString(index, StandardCharsets.UTF_8);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src=\"//"),
                "the overview loads nothing from the network");
        List<Path> figures;
        try (Stream<Path> s = Files.walk(FULL)) {
            figures = s.filter(p -> p.toString().endsWith(".png") && !p.toString().contains("/cells/")).toList();
        }
        assertFalse(figures.isEmpty(), "no figures under " + FULL);
        for (Path png : figures) {
            String name = png.getFileName().toString();
            Path csv = png.resolveSibling(name.substring(0, name.length() - 4) + ".csv");
            assertTrue(Files.isRegularFile(csv), png + " has no " + csv.getFileName());
        }
        for (String dataset : datasets()) {
            assertTrue(html.contains(dataset + "/"), "the overview links " + dataset);
        }
    }

    /**
     * One table row per verdict: dataset by dataset (folder order), experiment by experiment (file
     * order). The experiment column tells apart two rows of one claim and reading measured on
     * different cells (flatness's own cells, and every cell of the dataset for generalization).
     */
    static List<String> expectedRows() throws IOException {
        List<String> rows = new ArrayList<>();
        for (String dataset : datasets()) {
            List<Path> verdicts;
            try (Stream<Path> s = Files.walk(FULL.resolve(dataset))) {
                verdicts = s.filter(p -> p.getFileName().toString().equals("verdict.csv")
                        && !p.toString().contains("/cells/")).sorted().toList();
            }
            for (Path v : verdicts) {
                List<List<String>> csv = csv(Files.readString(v, StandardCharsets.UTF_8));
                assertEquals(List.of("claim", "rule", "measured", "reproduced"), csv.get(0), v.toString());
                String experiment = v.getParent().getFileName().toString();
                for (List<String> r : csv.subList(1, csv.size())) {
                    String[] claim = splitReading(r.get(0));
                    rows.add("| " + cell(claim[0]) + " | " + cell(claim[1]) + " | " + dataset + " | " + experiment + " | "
                            + cell(r.get(2)) + " | " + r.get(3) + " |");
                }
            }
        }
        return rows;
    }

    static List<String> datasets() throws IOException {
        try (Stream<Path> s = Files.list(FULL)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** "4. Claim (reading)" into the claim and its reading; a claim without one is read "as stated". */
    static String[] splitReading(String claim) {
        if (claim.endsWith(")")) {
            int depth = 0;
            for (int i = claim.length() - 1; i >= 0; i--) {
                char c = claim.charAt(i);
                depth += c == ')' ? 1 : c == '(' ? -1 : 0;
                if (depth == 0) {
                    return new String[] {claim.substring(0, i).strip(), claim.substring(i + 1, claim.length() - 1)};
                }
            }
        }
        return new String[] {claim, "as stated"};
    }

    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** The rows of README's claim table (the lines after its header and separator, up to the first non-row). */
    static List<String> readmeTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int head = lines.indexOf(TABLE_HEAD);
        assertTrue(head >= 0, "README has no claim table headed " + TABLE_HEAD);
        List<String> rows = new ArrayList<>();
        for (int i = head + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            rows.add(lines.get(i));
        }
        return rows;
    }

    /** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
