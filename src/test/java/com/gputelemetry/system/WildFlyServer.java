package com.gputelemetry.system;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** WildFly with every port shifted by an offset of its own; health is on the management port. */
final class WildFlyServer extends ApplicationServer {

    private static final int HTTP = 8080;
    private static final int MANAGEMENT = 9990;

    private final int offset;

    private WildFlyServer(Path home, int offset) {
        super("wildfly", home);
        this.offset = offset;
    }

    static WildFlyServer unpack() throws IOException {
        Path home = ApplicationServer.unpack("wildfly.distribution", "wildfly");
        // C1 only, as the other servers of the system tests (docs/testing.md): no test measures its speed.
        Files.writeString(
                home.resolve("bin/standalone.conf"),
                "\nJAVA_OPTS=\"$JAVA_OPTS -XX:TieredStopAtLevel=1\"\n",
                StandardOpenOption.APPEND);
        // standalone.xml's socket bindings: transactions, AJP, HTTP(S), management HTTP(S).
        int base = FreePorts.base(4712, 4713, 8009, HTTP, 8443, MANAGEMENT, 9993);
        return new WildFlyServer(home, base);
    }

    @Override
    String version() throws IOException, InterruptedException {
        String output = run(home.resolve("bin/standalone.sh").toString(), "--version");
        return output.lines()
                .filter(line -> line.contains("WildFly"))
                .reduce((first, last) -> last)
                .orElse(output)
                .strip();
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://localhost:" + (offset + HTTP) + path);
    }

    @Override
    URI health(String path) {
        return URI.create("http://localhost:" + (offset + MANAGEMENT) + path);
    }

    @Override
    Path deployScript() {
        return Path.of(Launch.required("wildfly.deploy.script")).normalize();
    }

    @Override
    Map<String, String> scriptEnvironment() {
        return Map.of("WILDFLY_PORT_OFFSET", Integer.toString(offset));
    }

    @Override
    String commandLineMarker() {
        return "-Djboss.home.dir=" + home;
    }

    @Override
    void stop() throws IOException, InterruptedException {
        run(
                home.resolve("bin/jboss-cli.sh").toString(),
                "--connect",
                "--controller=localhost:" + (offset + MANAGEMENT),
                "--command=:shutdown");
    }
}
