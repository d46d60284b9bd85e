package dl4jrepro.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium) over a
 * committed results fixture (a grid-smoke search, src/test/resources/dashboard). Skipped, with the reason, where the
 * browser is not installed; .ci/run installs it. With -Drepro.screenshots=DIR it saves the README's screenshots there.
 */
class DashboardBrowserTest {
    static final Path FIXTURE = Path.of("src/test/resources/dashboard/results");
    static final String CHROMIUM = "/usr/bin/chromium", DRIVER = "/usr/bin/chromedriver";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;
    static Path results;
    static DashboardServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(DRIVER)),
                "no Chromium here: apt-get install chromium chromium-driver (as .ci/run does) to run the browser test");
        // A copy: the test appends a trial to it.
        results = tmp.resolve("results");
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path f : files.toList()) {
                Path to = results.resolve(FIXTURE.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        server = DashboardServer.start(results, new SpecCatalog(Path.of("src/test/resources/experiments")).all(), "127.0.0.1", 0);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build(), options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    static JsonNode summary() throws Exception {
        return JSON.readTree(results.resolve("grid-smoke/summary.json").toFile());
    }

    @Test
    void theOverviewListsTheExperimentsWithTheirVerdictCounts() throws Exception {
        browser.get(server.uri().toString());
        WebElement row = waiting().until(b -> b.findElement(By.cssSelector("#experiments tr[data-id='grid-smoke']")));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        long within = 0, na = 0;
        for (JsonNode f : summary().get("figures")) {
            if (f.get("verdict").asText().equals("within")) within++;
            if (f.get("verdict").asText().equals("n/a")) na++;
        }
        List<String> heads = browser.findElements(By.cssSelector("#experiments th")).stream().map(WebElement::getText).toList();
        assertEquals("grid-smoke", cells.get(heads.indexOf("id")).getText());
        assertEquals(String.valueOf(within), cells.get(heads.indexOf("within")).getText());
        assertEquals(String.valueOf(na), cells.get(heads.indexOf("n/a")).getText());
        screenshot("dashboard-overview.png");
    }

    @Test
    void anExperimentPageShowsTheReportsAndTheReproducedFigure() throws Exception {
        browser.get(server.uri() + "#/exp/grid-smoke");
        JsonNode best = summary().get("figures").get(0);
        WebElement row = waiting().until(b -> b.findElements(By.cssSelector("#figures tr")).stream()
                .filter(r -> r.getText().startsWith(best.get("name").asText())).findFirst().orElse(null));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertEquals(String.format(Locale.ROOT, "%.4f", best.get("report").asDouble()), cells.get(1).getText());
        assertEquals(String.format(Locale.ROOT, "%.4f", best.get("reproduced").asDouble()), cells.get(2).getText());
        assertEquals(best.get("verdict").asText(), cells.get(4).getText());
    }

    @Test
    void sortingByValidationAccuracyPutsTheBestTrialFirst() throws Exception {
        browser.get(server.uri() + "#/exp/grid-smoke");
        waiting().until(b -> b.findElements(By.cssSelector("#trials tr[data-trial]")).size() >= 16);
        // Sorted by another column first, then by val acc: highest first.
        header("wall_s").click();
        header("valAcc").click();
        String expected = bestByValAcc();
        String first = waiting().until(b -> b.findElement(By.cssSelector("#trials tr[data-trial]"))).getAttribute("data-trial");
        assertEquals(expected, first);
        browser.findElement(By.cssSelector("#trials tr[data-trial]")).click();  // its learning curves
        waiting().until(b -> b.findElement(By.cssSelector("#trials tr.selected")));
        screenshot("dashboard-search.png");
    }

    @Test
    void aTrialAppendedWhileThePageIsOpenAppearsWithoutAReload() throws Exception {
        browser.get(server.uri() + "#/exp/grid-smoke");
        int before = waiting().until(b -> {
            int n = b.findElements(By.cssSelector("#trials tr[data-trial]")).size();
            return n >= 16 ? n : null;
        });
        String line = Files.readAllLines(results.resolve("grid-smoke/trials.jsonl")).get(0);
        String appended = line.replaceFirst("\"trialId\":\"[^\"]*\"", "\"trialId\":\"appended-trial\"")
                .replaceFirst("\"trialIndex\":\\d+", "\"trialIndex\":99");
        Files.writeString(results.resolve("grid-smoke/trials.jsonl"), appended + "\n", StandardOpenOption.APPEND);
        waiting().until(b -> b.findElements(By.cssSelector("#trials tr[data-trial='appended-trial']")).size() == 1);
        assertEquals(before + 1, browser.findElements(By.cssSelector("#trials tr[data-trial]")).size());
    }

    static WebElement header(String key) {
        return waiting().until(b -> b.findElement(By.cssSelector("#trials th[data-key='" + key + "']")));
    }

    /** The trial with the highest last validation accuracy in the fixture's records, the first of equals by index. */
    static String bestByValAcc() throws Exception {
        return Files.readAllLines(results.resolve("grid-smoke/trials.jsonl")).stream().map(l -> {
                    try {
                        return JSON.readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).filter(t -> t.get("curve").size() > 0 && !t.get("trialId").asText().equals("appended-trial"))
                .min(Comparator.comparingDouble((JsonNode t) -> -t.get("curve").get(t.get("curve").size() - 1).get("valAcc").asDouble())
                        .thenComparingInt(t -> t.get("trialIndex").asInt()))
                .orElseThrow().get("trialId").asText();
    }

    static void screenshot(String name) throws Exception {
        String dir = System.getProperty("repro.screenshots");
        if (dir == null) return;
        Files.createDirectories(Path.of(dir));
        Files.copy(((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                Path.of(dir, name), StandardCopyOption.REPLACE_EXISTING);
    }
}
