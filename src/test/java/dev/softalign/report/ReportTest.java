package dev.softalign.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

public class ReportTest {

    /** Parses index.html strictly and checks it opens offline: every link and image is a local file. */
    public static Document checkOffline(Path index) throws Exception {
        String html = Files.readString(index);
        Parser parser = Parser.htmlParser().setTrackErrors(50);
        Document doc = Jsoup.parse(html, "", parser);
        assertTrue(parser.getErrors().isEmpty(), "well-formed HTML: " + parser.getErrors());
        assertTrue(doc.select("script").isEmpty(), "no scripts");
        assertTrue(doc.select("link").isEmpty(), "no external stylesheets");
        assertFalse(html.contains("http://") || html.contains("https://"), "no network references");
        Path dir = index.getParent();
        for (Element img : doc.select("img")) {
            Path file = dir.resolve(img.attr("src"));
            assertTrue(Files.isRegularFile(file), "image exists: " + file);
            if (file.toString().endsWith(".png")) {
                assertNotNull(ImageIO.read(file.toFile()), "decodable: " + file);
            }
        }
        for (Element a : doc.select("a[href]")) {
            assertTrue(Files.isRegularFile(dir.resolve(a.attr("href"))), "link target exists: " + a.attr("href"));
        }
        return doc;
    }

    @Test
    void writesAnOfflinePageWithFiguresTablesAndVerdictLast(@TempDir Path dir) throws Exception {
        Report r = new Report("A <report> & more");
        r.verdicts(List.of(new Verdict("1. claim", "rule", "BP 85%", Verdict.Outcome.YES),
                new Verdict("2. other", "rule", "n/a", Verdict.Outcome.UNDECIDED)));
        r.text("Some text with <b>markup</b> that must be escaped.");
        r.figure(new Figure("acc", "Accuracy", "What it shows.", ChartsTest.lines()));
        r.table("cfg", "Config", "the config", Table.create("cfg", StringColumn.create("k", "a<b", "c")));
        Path index = r.write(dir, ImageFormat.PNG);
        Document doc = checkOffline(index);
        assertEquals("A <report> & more", doc.title());
        assertEquals("Some text with <b>markup</b> that must be escaped.", doc.select("p").first().text());
        assertTrue(doc.select("p b").isEmpty());
        assertEquals(1, doc.select("figure img[src=acc.png]").size());
        assertTrue(doc.select("figcaption").text().startsWith("Figure 1. What it shows."));
        Element lastTable = doc.select("table").last();
        assertTrue(lastTable.hasClass("verdict"), "the verdict table ends the report");
        assertEquals("yes", lastTable.select("tbody tr").get(0).select("td").get(3).text());
        assertEquals("undecided", lastTable.select("tbody tr").get(1).select("td").get(3).text());
        assertEquals("a<b", doc.select("table").first().select("td").first().text());
        assertTrue(Files.readString(dir.resolve("verdict.csv")).startsWith("claim,rule,measured,reproduced"));
        assertTrue(Files.readString(dir.resolve("cfg.csv")).contains("a<b"));
    }

    @Test
    void svgFiguresAreReferencedAsSvg(@TempDir Path dir) throws Exception {
        Path index = new Report("r").figure(new Figure("acc", "Accuracy", "c", ChartsTest.lines())).write(dir, ImageFormat.SVG);
        Document doc = checkOffline(index);
        assertEquals("acc.svg", doc.select("img").attr("src"));
        assertTrue(Files.readString(dir.resolve("acc.svg")).contains("<svg"));
    }

    @Test
    void duplicateNamesAreRejected() {
        Report r = new Report("r").figure(new Figure("x", "t", "c", ChartsTest.lines()));
        assertThrows(IllegalArgumentException.class, () -> r.figure(new Figure("x", "t", "c", ChartsTest.lines())));
    }
}
