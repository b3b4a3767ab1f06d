import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fails when a relative link in README.md or docs/*.md leads to a file that does not exist, or to a heading that file
 * does not have (run as a single-file program with the repository's root as its argument).
 */
public class MarkdownLinks {

    /** {@code [text](target)} and {@code ![alt](target)}; the text may wrap, but not across a blank line. */
    private static final Pattern INLINE_LINK =
            Pattern.compile("!?\\[(?:[^\\]\\n]|\\n(?![ \\t]*\\n))*\\]\\(\\s*<?([^)\\s>]+)>?[^)]*\\)");

    /** {@code [label]: target}, a reference definition. */
    private static final Pattern REFERENCE_DEFINITION =
            Pattern.compile("^ {0,3}\\[[^\\]]+\\]:[ \\t]*<?([^\\s>]+)>?", Pattern.MULTILINE);

    /** A code span; like a link, it may wrap but not cross a blank line. */
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:[^\\n]|\\n(?![ \\t]*\\n))*?\\1");

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}[ \\t]+(.*?)[ \\t]*#*[ \\t]*$");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
            }
        }
        MarkdownLinks check = new MarkdownLinks();
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path document : documents) {
            for (Link link : linksIn(document)) {
                links++;
                String problem = check.problemWith(document, link.target());
                if (problem != null) {
                    broken.add(root.relativize(document) + ":" + link.line() + ": (" + link.target() + ") " + problem);
                }
            }
        }
        if (!broken.isEmpty()) {
            System.out.println("Broken relative links in the documentation:");
            broken.forEach(line -> System.out.println("  " + line));
            System.exit(1);
        }
        System.out.println("Documentation: " + links + " links in " + documents.size()
                + " files checked; every relative one leads to a file and heading that exist");
    }

    record Link(int line, String target) {}

    /** The link targets of a Markdown file with their line numbers; code blocks and code spans hold no links. */
    static List<Link> linksIn(Path document) throws IOException {
        String text = withoutCode(Files.readAllLines(document));
        List<Link> links = new ArrayList<>();
        for (Pattern pattern : List.of(INLINE_LINK, REFERENCE_DEFINITION)) {
            Matcher link = pattern.matcher(text);
            while (link.find()) {
                links.add(new Link(lineOf(text, link.start(1)), link.group(1)));
            }
        }
        links.sort(Comparator.comparingInt(Link::line));
        return links;
    }

    private static int lineOf(String text, int index) {
        return (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The text with fenced code blocks and code spans blanked out, every line where it was. */
    private static String withoutCode(List<String> lines) {
        StringBuilder text = new StringBuilder();
        boolean inFence = false;
        for (String line : lines) {
            boolean fence = FENCE.matcher(line).find();
            text.append(inFence || fence ? "" : line).append('\n');
            inFence ^= fence;
        }
        return CODE_SPAN.matcher(text).replaceAll(span -> span.group().replaceAll("[^\\n]", " "));
    }

    /** What is wrong with a link from this document, or null when it leads where it says. */
    String problemWith(Path document, String target) throws IOException {
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null; // not relative: an address on the web, which this check leaves alone
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty()
                ? document
                : document.getParent()
                        .resolve(URLDecoder.decode(path, StandardCharsets.UTF_8))
                        .normalize();
        if (!Files.exists(file)) {
            return "no such file: " + file.getFileName();
        }
        if (hash < 0) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return "a #fragment, but " + file.getFileName() + " is not a Markdown file with headings";
        }
        String anchor = URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        if (!anchorsOf(file).contains(anchor)) {
            return "no heading with the anchor #" + anchor + " in " + file.getFileName();
        }
        return null;
    }

    private Set<String> anchorsOf(Path file) throws IOException {
        Set<String> anchors = anchorsByFile.get(file);
        if (anchors == null) {
            anchors = headingAnchors(Files.readAllLines(file));
            anchorsByFile.put(file, anchors);
        }
        return anchors;
    }

    /** The anchors GitHub gives the headings; a repeated one is numbered (-1, -2, ...) as GitHub numbers it. */
    static Set<String> headingAnchors(List<String> lines) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (inFence || !heading.matches()) {
                continue;
            }
            String anchor = anchor(heading.group(1));
            int count = seen.merge(anchor, 1, Integer::sum);
            anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
        }
        return anchors;
    }

    /**
     * GitHub's rule: the heading's text (a link counts with its text only) in lower case, every character but
     * letters, digits, marks, '_', '-' and spaces dropped, each space turned into '-'.
     */
    static String anchor(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                .replace(' ', '-');
    }
}
