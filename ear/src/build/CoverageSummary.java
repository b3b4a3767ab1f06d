import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prints line and branch coverage per module from JaCoCo's aggregate CSV report (run as a single-file program). */
public class CoverageSummary {

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        if (!Files.exists(csv)) {
            System.out.println("No coverage data at " + csv + " (were the tests skipped?)");
            return;
        }
        List<String> lines = Files.readAllLines(csv);
        // GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,LINE_COVERED,...
        Map<String, long[]> byModule = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            // The group is "<parent name>/<module name>", quoted when the parent's name holds a comma.
            int groupEnd = line.startsWith("\"") ? line.indexOf('"', 1) + 1 : line.indexOf(',');
            String module = line.substring(0, groupEnd).replace("\"", "").replaceAll(".*/", "");
            String[] f = line.substring(groupEnd).split(",");
            long[] sums = byModule.computeIfAbsent(module, k -> new long[4]);
            sums[0] += Long.parseLong(f[7]);
            sums[1] += Long.parseLong(f[8]);
            sums[2] += Long.parseLong(f[5]);
            sums[3] += Long.parseLong(f[6]);
        }
        long[] total = new long[4];
        System.out.println();
        System.out.println("Coverage (unit, Arquillian and system tests; report: "
                + csv.getParent().resolve("index.html") + ")");
        System.out.printf("%-20s %10s %10s%n", "module", "lines", "branches");
        byModule.forEach((module, s) -> {
            print(module, s);
            for (int i = 0; i < 4; i++) {
                total[i] += s[i];
            }
        });
        print("TOTAL", total);
    }

    private static void print(String name, long[] s) {
        System.out.printf("%-20s %9.1f%% %9.1f%%%n", name, percent(s[1], s[0]), percent(s[3], s[2]));
    }

    private static double percent(long covered, long missed) {
        return covered + missed == 0 ? 0 : 100.0 * covered / (covered + missed);
    }
}
