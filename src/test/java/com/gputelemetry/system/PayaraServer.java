package com.gputelemetry.system;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Payara Server with a domain of its own, on a port base of its own; health is on the application's port. */
final class PayaraServer extends ApplicationServer {

    private static final String DOMAIN = "gpu-telemetry";
    private static final int ADMIN = 48;
    private static final int HTTP = 80;

    private final int portBase;

    private PayaraServer(Path home, int portBase) {
        super("payara-server", home);
        this.portBase = portBase;
    }

    static PayaraServer unpack() throws IOException, InterruptedException {
        Path home = ApplicationServer.unpack("payara.distribution", "payara-server");
        // The ports create-domain derives from the base: IIOP, admin, Hazelcast, HTTP(S), JMX, OSGi, debugger.
        int base = FreePorts.base(9, 37, 38, 39, ADMIN, 49, 59, 66, HTTP, 81, 86);
        var server = new PayaraServer(home, base);
        server.run(
                server.asadmin().toString(),
                "--interactive=false",
                "create-domain",
                "--nopassword=true",
                "--portbase=" + base,
                DOMAIN);
        // C1 only, as the other servers of the system tests (docs/testing.md): no test measures its speed.
        Path config = home.resolve("glassfish/domains/" + DOMAIN + "/config/domain.xml");
        String heap = "<jvm-options>-Xmx512m</jvm-options>";
        String domain = Files.readString(config);
        if (!domain.contains(heap)) {
            throw new IOException("no " + heap + " in " + config + " to add the JVM option beside");
        }
        Files.writeString(
                config, domain.replaceFirst(heap, heap + "<jvm-options>-XX:TieredStopAtLevel=1</jvm-options>"));
        return server;
    }

    private Path asadmin() {
        return home.resolve("bin/asadmin");
    }

    @Override
    String version() throws IOException, InterruptedException {
        return run(asadmin().toString(), "version", "--local", "--terse").strip();
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://localhost:" + (portBase + HTTP) + path);
    }

    @Override
    URI health(String path) {
        return uri(path);
    }

    @Override
    Path deployScript() {
        return Path.of(Launch.required("payara.deploy.script")).normalize();
    }

    @Override
    Map<String, String> scriptEnvironment() {
        return Map.of("PAYARA_DOMAIN", DOMAIN, "PAYARA_ADMIN_PORT", Integer.toString(portBase + ADMIN));
    }

    @Override
    String commandLineMarker() {
        return "-Dcom.sun.aas.instanceRoot=" + home.resolve("glassfish/domains/" + DOMAIN);
    }

    @Override
    void stop() throws IOException, InterruptedException {
        run(asadmin().toString(), "stop-domain", DOMAIN);
    }
}
