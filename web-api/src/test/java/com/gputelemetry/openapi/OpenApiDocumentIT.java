package com.gputelemetry.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.File;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document the server generates from the code must equal the one committed in {@code web-api/openapi.json}
 * (apart from the vendor's list of the server's addresses): a change to the API is a change to that file, reviewed
 * with the code. With {@code -Dopenapi.write=true} the test also writes the generated document to that file, and still
 * fails when it differed.
 */
// TestDatabase too: run alone (-Dit.test), the class runs in the PostgreSQL execution as well.
@ExtendWith({TestDatabase.class, ArquillianExtension.class})
class OpenApiDocumentIT {

    static final Path COMMITTED = Path.of("openapi.json");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theCommittedDocumentIsTheGeneratedOne() throws Exception {
        URI openApi = URI.create(base.toString()).resolve("/openapi");
        HttpResponse<String> response;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // The document is served a moment after the application reports itself deployed.
        do {
            response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(openApi)
                                    .header("Accept", "application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                Thread.sleep(500);
            }
        } while (response.statusCode() == 404 && System.nanoTime() < deadline);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject generated = canonical(withoutAddresses(
                Json.createReader(new StringReader(response.body())).readObject()));

        String committed = Files.exists(COMMITTED)
                ? pretty(canonical(Json.createReader(new StringReader(Files.readString(COMMITTED)))
                        .readObject()))
                : "";
        // Writing does not make the test pass: a changed document fails the run that wrote it, until it is committed
        // and the next run finds it equal.
        boolean write = Boolean.getBoolean("openapi.write");
        if (write) {
            Files.writeString(COMMITTED, pretty(generated), StandardCharsets.UTF_8);
        }
        assertThat(pretty(generated))
                .as(
                        write
                                ? "the API changed: %s written; review and commit it"
                                : "the API changed; regenerate %s with -Dopenapi.write=true and commit it",
                        COMMITTED.toAbsolutePath())
                .isEqualTo(committed);
    }

    /** The vendor's endpoint list depends on where the server runs, not on the API. */
    private static JsonObject withoutAddresses(JsonObject document) {
        var builder = Json.createObjectBuilder(document);
        builder.remove("endpoints");
        return builder.build();
    }

    /**
     * Keys in name order at every level, and the tags by name: the generator's own ordering of these is not part of
     * the API and may vary from one start to the next. Other arrays (parameters, enumerations) keep their order.
     */
    private static JsonObject canonical(JsonObject document) {
        JsonObject sorted = (JsonObject) sortKeys(document);
        if (!sorted.containsKey("tags")) {
            return sorted;
        }
        var tags = Json.createArrayBuilder();
        sorted.getJsonArray("tags").stream()
                .map(JsonValue::asJsonObject)
                .sorted(Comparator.comparing(tag -> tag.getString("name")))
                .forEach(tags::add);
        return Json.createObjectBuilder(sorted).add("tags", tags).build();
    }

    private static JsonValue sortKeys(JsonValue value) {
        if (value instanceof JsonObject object) {
            var builder = Json.createObjectBuilder();
            new TreeMap<>(object).forEach((key, child) -> builder.add(key, sortKeys(child)));
            return builder.build();
        }
        if (value instanceof JsonArray array) {
            var builder = Json.createArrayBuilder();
            array.forEach(child -> builder.add(sortKeys(child)));
            return builder.build();
        }
        return value;
    }

    private static String pretty(JsonObject document) {
        JsonWriterFactory writers = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        var text = new StringWriter();
        writers.createWriter(text).writeObject(document);
        return text.toString().strip() + "\n";
    }
}
