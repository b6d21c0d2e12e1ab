package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zombie forecast in report.html and compare.html, from series.csv's root rows. */
class ZombieReportTest {
    @TempDir
    Path tmp;

    @Test
    void theReportGivesTheGrowthAndWhenTheFirstAndMedianNodeReachTheCeiling() throws Exception {
        // 10 days: the busiest node gains 8,000 ids a day and hits 65,535 on day 9; the median 1,000 a day
        String html = HtmlReport.render(ResultsDir.read(Fixtures.churn(tmp.resolve("pins"), "kmem-pins-memcg", 10, 1_000,
                8_000)));
        assertTrue(html.contains("Dying groups and css ids (zombie forecast)"), html);
        assertTrue(html.contains("css ids in use grow by 1000 a day on the median node"), html);
        assertTrue(html.contains("First node at 65,535 css ids: reached at day 9.0 of the run."), html);
        // the median node: 10,002 at day 10, 55,533 to go at 1,000 a day
        assertTrue(html.contains("Median node at 65,535 css ids: about day 65.5 (extrapolated; the run ended at day 10.0)."),
                html);
        assertTrue(html.contains("(least-squares lines over the later half of the run: days 5.0 to 10.0, 6 samples)"), html);
        assertTrue(html.contains("\"id\":\"dying:css_ids\""), "a chart of css ids");
        assertTrue(html.contains("\"id\":\"dying:pinned_kmem_bytes\""), "a chart of pinned kmem");
        assertTrue(html.contains("mkdirs refused with ENOSPC over the fleet: 6."), "3 in each of days 9 and 10");
    }

    @Test
    void aRunWithoutTheColumnsHasNoForecastSection() throws Exception {
        String html = HtmlReport.render(ResultsDir.read(Fixtures.results(tmp.resolve("old"), "", 2048, 0)));
        assertFalse(html.contains("zombie forecast"), "written before dying groups were reported");
    }

    @Test
    void aComparisonTabulatesTheForecastPerRunAndOverlaysTheirSeries() throws Exception {
        ResultsDir base = ResultsDir.read(Fixtures.churn(tmp.resolve("base"), "", 4, 0, 0));
        ResultsDir pins = ResultsDir.read(Fixtures.churn(tmp.resolve("kmem-pins-memcg"), "kmem-pins-memcg", 4, 300, 500));
        String html = CompareReport.render(new Comparison(List.of(base, pins)));
        assertTrue(html.contains("Zombie forecast per run"), html);
        assertTrue(html.contains("<td>base</td><td>0</td><td>0</td><td>0</td><td>2</td><td>never"), html);
        // 2,002 at day 4 on the busiest, 63,533 to go at 500 a day: day 131.1
        assertTrue(html.contains("<td>kmem-pins-memcg</td><td>300</td><td>500</td><td>300</td><td>2002</td>"
                + "<td>about day 131.1 (extrapolated; the run ended at day 4.0)</td>"), html);
        assertTrue(html.contains("\"id\":\"zombies:css_ids_max\""), "overlaid css ids");
    }
}
