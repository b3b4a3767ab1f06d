package com.gputelemetry.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, linted and rendered by Helm itself (its Go library, from Maven), and the rendered manifests read
 * back as YAML: what Kubernetes would be given.
 */
class HelmChartIT {

    private static final Path CHART = Path.of(System.getProperty("helm.chart", "../server-config/helm/gpu-telemetry"));

    @Test
    void theChartLintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages())
                .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void theServerGetsProbesSettingsTheSecretAndItsPodNameAsInstanceId(@TempDir Path values) throws Exception {
        // Numbers as an operator writes them in a values file: YAML hands them to the chart as floats.
        Path file = Files.writeString(
                values.resolve("values.yaml"),
                "settings:\n  QUEUE_MAX_LAG: 1234\n  INGEST_MAX_BATCH_BYTES: 33554432\n");
        Map<String, Map<String, Object>> manifests = render(new Helm(CHART)
                .template()
                .withName("telemetry")
                .withValuesFile(file)
                .set("existingSecret", "telemetry-secrets")
                .set("replicaCount", 3));

        Map<String, Object> deployment = manifests.get("Deployment/telemetry-gpu-telemetry");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(3);
        Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));
        assertThat(podLabels).containsAllEntriesOf(map(at(deployment, "spec", "selector", "matchLabels")));
        Map<String, Object> server = container(deployment);
        Map.of("startupProbe", "/health/started", "livenessProbe", "/health/live", "readinessProbe", "/health/ready")
                .forEach((probe, path) -> {
                    assertThat(at(server, probe, "httpGet", "path")).isEqualTo(path);
                    assertThat(at(server, probe, "timeoutSeconds"))
                            .as("room for the database check's 2 s")
                            .isEqualTo(3);
                });
        assertThat(env(server, "QUEUE_INSTANCE_ID"))
                .containsEntry("valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name")));
        assertThat(at(env(server, "TELEMETRY_DB_PASSWORD"), "valueFrom", "secretKeyRef", "name"))
                .isEqualTo("telemetry-secrets");
        assertThat((String) env(server, "JAVA_TOOL_OPTIONS").get("value"))
                .as("the whole heap from the start: a heap that shrank while idle makes young collections frequent")
                .contains("-XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=50");
        assertThat(at(server, "resources", "limits", "memory")).isEqualTo("1Gi");

        Map<String, Object> settings =
                map(manifests.get("ConfigMap/telemetry-gpu-telemetry").get("data"));
        assertThat(settings)
                .containsEntry("QUEUE_MAX_LAG", "1234")
                .containsEntry("INGEST_MAX_BATCH_BYTES", "33554432")
                .containsEntry("TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource")
                .as("settings not given keep the application's defaults")
                .doesNotContainKey("COLLECTOR_WORKERS");

        Map<String, Object> service = manifests.get("Service/telemetry-gpu-telemetry");
        assertThat(podLabels).containsAllEntriesOf(map(at(service, "spec", "selector")));
        assertThat(manifests).containsKey("PodDisruptionBudget/telemetry-gpu-telemetry");
        assertThat(manifests)
                .as("an existing secret: the chart makes none")
                .doesNotContainKey("Secret/telemetry-gpu-telemetry");
        assertThat(manifests)
                .as("optional parts are off by default")
                .doesNotContainKeys(
                        "Deployment/telemetry-gpu-telemetry-streamer", "ServiceMonitor/telemetry-gpu-telemetry");
    }

    @Test
    void oneReplicaGetsNoDisruptionBudgetThatWouldBlockEveryDrain() {
        Map<String, Map<String, Object>> manifests = render(new Helm(CHART)
                .template()
                .withName("telemetry")
                .set("database.password", "secret")
                .set("replicaCount", 1));

        assertThat(manifests).containsKey("Deployment/telemetry-gpu-telemetry");
        assertThat(manifests).doesNotContainKey("PodDisruptionBudget/telemetry-gpu-telemetry");
    }

    @Test
    void theStreamersAndTheServiceMonitorAreThereWhenAskedFor() {
        Map<String, Map<String, Object>> manifests = render(new Helm(CHART)
                .template()
                .withName("telemetry")
                .set("database.password", "secret")
                .set("ingestToken", "token")
                .set("streamer.enabled", true)
                .set("streamer.replicas", 10)
                .set("streamer.csvVolume.configMap.name", "dcgm-csv")
                .set("serviceMonitor.enabled", true));

        Map<String, Object> secret = manifests.get("Secret/telemetry-gpu-telemetry");
        assertThat(map(secret.get("data"))).containsKeys("db-password", "ingest-token");

        Map<String, Object> streamers = manifests.get("Deployment/telemetry-gpu-telemetry-streamer");
        assertThat(at(streamers, "spec", "replicas")).isEqualTo(10);
        Map<String, Object> streamerLabels = map(at(streamers, "spec", "template", "metadata", "labels"));
        assertThat(streamerLabels).containsAllEntriesOf(map(at(streamers, "spec", "selector", "matchLabels")));
        Map<String, Object> streamer = container(streamers);
        assertThat(streamer.get("args")).isEqualTo(List.of("--loop", "--interval", "1s", "--batch-size", "1000"));
        assertThat(env(streamer, "SERVER_URL")).containsEntry("value", "http://telemetry-gpu-telemetry:8080");
        assertThat(env(streamer, "INSTANCE_ID"))
                .containsEntry("valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name")));
        assertThat(env(streamer, "CSV_PATH")).containsEntry("value", "/data");
        assertThat(env(streamer, "STATE_DIR")).containsEntry("value", "/var/lib/streamer-state");
        assertThat(streamer.get("volumeMounts"))
                .isEqualTo(List.of(
                        Map.of("name", "state", "mountPath", "/var/lib/streamer-state"),
                        Map.of("name", "csv", "mountPath", "/data", "readOnly", true)));
        assertThat(at(streamers, "spec", "template", "spec", "volumes"))
                .isEqualTo(List.of(
                        Map.of("name", "state", "emptyDir", Map.of()),
                        Map.of("name", "csv", "configMap", Map.of("name", "dcgm-csv"))));

        Map<String, Object> service = manifests.get("Service/telemetry-gpu-telemetry");
        Map<String, Object> serviceSelector = map(at(service, "spec", "selector"));
        assertThat(streamerLabels)
                .as("the Service sends traffic to servers only")
                .doesNotContainEntry("app.kubernetes.io/component", serviceSelector.get("app.kubernetes.io/component"));

        Map<String, Object> monitor = manifests.get("ServiceMonitor/telemetry-gpu-telemetry");
        assertThat(map(at(service, "metadata", "labels")))
                .as("the ServiceMonitor selects the Service")
                .containsAllEntriesOf(map(at(monitor, "spec", "selector", "matchLabels")));
        List<?> endpoints = (List<?>) at(monitor, "spec", "endpoints");
        assertThat(endpoints).hasSize(1);
        assertThat(map(endpoints.get(0)))
                .containsEntry("path", "/prometheus/metrics")
                .containsEntry("port", "http");
    }

    @Test
    void theStreamersScrapeTheExportersGivenInsteadOfReadingACsv() {
        Map<String, Map<String, Object>> manifests = render(new Helm(CHART)
                .template()
                .withName("telemetry")
                .set("database.password", "secret")
                .set("streamer.enabled", true)
                .set("streamer.scrapeTargets[0]", "http://node-1:9400/metrics")
                .set("streamer.scrapeTargets[1]", "http://node-2:9400/metrics"));

        Map<String, Object> streamer = container(manifests.get("Deployment/telemetry-gpu-telemetry-streamer"));
        assertThat(env(streamer, "SCRAPE_URLS"))
                .containsEntry("value", "http://node-1:9400/metrics,http://node-2:9400/metrics");
        assertThat(streamer.get("args")).isEqualTo(List.of("--scrape-interval", "30s", "--batch-size", "1000"));
        assertThat((List<?>) streamer.get("env"))
                .as("no CSV input beside the scraping")
                .noneSatisfy(variable -> assertThat(map(variable)).containsEntry("name", "CSV_PATH"));
    }

    @Test
    void theStreamersScrapeTheAddressesOfAHeadlessServiceBesideTheExportersGiven(@TempDir Path values)
            throws Exception {
        Map<String, Map<String, Object>> manifests = render(new Helm(CHART)
                .template()
                .withName("telemetry")
                .set("database.password", "secret")
                .set("streamer.enabled", true)
                .set("streamer.csvVolume.configMap.name", "dcgm-csv")
                .set("streamer.scrapeDns", "dcgm-exporter.gpu-operator.svc.cluster.local:9400"));

        Map<String, Object> streamer = container(manifests.get("Deployment/telemetry-gpu-telemetry-streamer"));
        assertThat(env(streamer, "SCRAPE_DNS"))
                .containsEntry("value", "dcgm-exporter.gpu-operator.svc.cluster.local:9400");
        assertThat(streamer.get("args")).isEqualTo(List.of("--scrape-interval", "30s", "--batch-size", "1000"));
        assertThat((List<?>) streamer.get("env"))
                .as("no CSV input beside the scraping, and no URLs when none were given")
                .noneSatisfy(variable -> assertThat(map(variable).get("name")).isIn("CSV_PATH", "SCRAPE_URLS"));

        // In a values file the names are a list, and the exporters given by URL are scraped as well.
        Path file = Files.writeString(
                values.resolve("values.yaml"),
                "streamer:\n  enabled: true\n  scrapeTargets: [http://node-9:9400/metrics]\n"
                        + "  scrapeDns:\n    - dcgm-exporter.gpu-operator:9400\n"
                        + "    - http://dcgm-exporter.lab:9400/custom/metrics\n");
        Map<String, Object> both = container(render(new Helm(CHART)
                        .template()
                        .withName("telemetry")
                        .withValuesFile(file)
                        .set("database.password", "secret"))
                .get("Deployment/telemetry-gpu-telemetry-streamer"));
        assertThat(env(both, "SCRAPE_DNS"))
                .containsEntry("value", "dcgm-exporter.gpu-operator:9400,http://dcgm-exporter.lab:9400/custom/metrics");
        assertThat(env(both, "SCRAPE_URLS")).containsEntry("value", "http://node-9:9400/metrics");
    }

    @Test
    void outOfRangeStreamersAndAMissingPasswordAreRefused() {
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .set("database.password", "secret")
                        .set("streamer.enabled", true)
                        .set("streamer.replicas", 11)
                        .call())
                .hasMessageContaining("streamer.replicas must be from 1 to 10");
        assertThatThrownBy(() -> new Helm(CHART).template().call())
                .hasMessageContaining("database.password is required");
    }

    /** The rendered manifests by kind and name. */
    private static Map<String, Map<String, Object>> render(TemplateCommand template) {
        String yaml = template.call();
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        StreamSupport.stream(new Yaml().loadAll(yaml).spliterator(), false)
                .filter(document -> document != null)
                .map(HelmChartIT::map)
                .forEach(manifest ->
                        byName.put(manifest.get("kind") + "/" + at(manifest, "metadata", "name"), manifest));
        return byName;
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<?> containers = (List<?>) at(deployment, "spec", "template", "spec", "containers");
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        return ((List<?>) container.get("env"))
                .stream()
                        .map(entry -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> variable = (Map<String, Object>) entry;
                            return variable;
                        })
                        .filter(variable -> name.equals(variable.get("name")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no environment variable " + name + " in " + container));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        assertThat(yaml).isInstanceOf(Map.class);
        return (Map<String, Object>) yaml;
    }

    private static Object at(Map<String, Object> map, String... path) {
        Object current = map;
        for (String key : path) {
            assertThat(current).as("%s in %s", key, map).isInstanceOf(Map.class);
            current = ((Map<?, ?>) current).get(key);
        }
        return current;
    }
}
