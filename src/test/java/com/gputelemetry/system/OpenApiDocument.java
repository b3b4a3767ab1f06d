package com.gputelemetry.system;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OpenAPI document as text that two documents of the same API share: the vendor's list of the server's addresses
 * left out (it depends on where the server runs), keys in name order at every level and the tags by name (the
 * generator's own ordering of these is not part of the API and may vary from one start to the next; other arrays,
 * such as parameters and enumerations, keep their order), pretty-printed.
 */
final class OpenApiDocument {

    private OpenApiDocument() {}

    static String canonical(String json) {
        JsonObject document = Json.createReader(new StringReader(json)).readObject();
        var builder = Json.createObjectBuilder(document);
        builder.remove("endpoints");
        JsonObject sorted = (JsonObject) sortKeys(builder.build());
        if (sorted.containsKey("tags")) {
            var tags = Json.createArrayBuilder();
            sorted.getJsonArray("tags").stream()
                    .map(JsonValue::asJsonObject)
                    .sorted(Comparator.comparing(tag -> tag.getString("name")))
                    .forEach(tags::add);
            sorted = Json.createObjectBuilder(sorted).add("tags", tags).build();
        }
        JsonWriterFactory writers = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        var text = new StringWriter();
        writers.createWriter(text).writeObject(sorted);
        return text.toString().strip() + "\n";
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
}
