package com.gputelemetry.openapi.control;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.examples.Example;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.tags.Tag;

/**
 * Corrects what the server's generator writes wrong or too much, so that the document says what the annotations say:
 * attributes at their defaults, JSON examples as strings, path parameters not marked required, bodies on GETs, its own
 * schemas for generic types, a tag once per resource. Nothing here is a rule of the contract: {@link ContractPolicy}.
 */
class GeneratorRepair implements OASFilter {

    @Override
    public Schema filterSchema(Schema schema) {
        try {
            clean(schema);
        } catch (NoSuchMethodError version4) {
            // WildFly's MicroProfile OpenAPI 4 (its own generator writes no such defaults): nothing to clean.
        }
        return schema;
    }

    private static void clean(Schema schema) {
        // The generator writes every attribute, unset ones at their defaults; some of those defaults say something
        // else than nothing (maxProperties 0: no property allowed; exclusiveMaximum without a maximum: invalid).
        if (Boolean.FALSE.equals(schema.getDeprecated())) {
            schema.setDeprecated(null);
        }
        if (Boolean.FALSE.equals(schema.getNullable())) {
            schema.setNullable(null);
        }
        if (Boolean.FALSE.equals(schema.getReadOnly())) {
            schema.setReadOnly(null);
        }
        if (Boolean.FALSE.equals(schema.getWriteOnly())) {
            schema.setWriteOnly(null);
        }
        if (Boolean.FALSE.equals(schema.getUniqueItems())) {
            schema.setUniqueItems(null);
        }
        if (schema.getMaximum() == null || Boolean.FALSE.equals(schema.getExclusiveMaximum())) {
            schema.setExclusiveMaximum(null);
        }
        if (schema.getMinimum() == null || Boolean.FALSE.equals(schema.getExclusiveMinimum())) {
            schema.setExclusiveMinimum(null);
        }
        if (Integer.valueOf(0).equals(schema.getMaxProperties())) {
            schema.setMaxProperties(null);
        }
        if (Integer.valueOf(0).equals(schema.getMinProperties())) {
            schema.setMinProperties(null);
        }
        if (Integer.valueOf(0).equals(schema.getMinLength())) {
            schema.setMinLength(null);
        }
        if (Integer.valueOf(0).equals(schema.getMinItems())) {
            schema.setMinItems(null);
        }
        // A string has no properties; the generator gives a JSON-B adapted type both.
        if (schema.getType() == Schema.SchemaType.STRING) {
            schema.setProperties(null);
        }
    }

    @Override
    public Parameter filterParameter(Parameter parameter) {
        // A path parameter is always required (OpenAPI says so); the generator leaves it out on some.
        if (parameter.getIn() == Parameter.In.PATH) {
            parameter.setRequired(true);
        }
        // A repeatable parameter is an array: its example must be one too.
        if (parameter.getExample() != null
                && !(parameter.getExample() instanceof List)
                && isArray(parameter.getSchema())) {
            parameter.setExample(List.of(parameter.getExample()));
        }
        return parameter;
    }

    private static boolean isArray(Schema schema) {
        try {
            return schema != null && schema.getType() == Schema.SchemaType.ARRAY;
        } catch (NoSuchMethodError version4) {
            return false; // WildFly's generator writes array examples right
        }
    }

    @Override
    public APIResponse filterAPIResponse(APIResponse response) {
        // Examples of JSON bodies are written in the annotations as JSON text: as values they are objects.
        if (response.getContent() != null) {
            for (var entry : response.getContent().getMediaTypes().entrySet()) {
                MediaType mediaType = entry.getValue();
                if (entry.getKey().contains("json")
                        && !entry.getKey().contains("ndjson")
                        && mediaType.getExamples() != null) {
                    for (Example example : mediaType.getExamples().values()) {
                        if (example.getValue() instanceof String text) {
                            example.setValue(jsonOrText(text));
                        }
                    }
                }
            }
        }
        return response;
    }

    private static Object jsonOrText(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return text;
        }
        try (var reader = Json.createReader(new StringReader(trimmed))) {
            return plain(reader.readValue());
        } catch (JsonParsingException notJson) {
            return text; // CSV, NDJSON or an event stream: text
        }
    }

    private static Object plain(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                ((JsonObject) value).forEach((name, member) -> map.put(name, plain(member)));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                ((JsonArray) value).forEach(item -> list.add(plain(item)));
                yield list;
            }
            case STRING -> ((JsonString) value).getString();
            case NUMBER ->
                ((JsonNumber) value).isIntegral()
                        ? (Object) ((JsonNumber) value).longValue()
                        : (Object) ((JsonNumber) value).doubleValue();
            case TRUE -> true;
            case FALSE -> false;
            case NULL -> null;
        };
    }

    @Override
    public PathItem filterPathItem(PathItem item) {
        // A GET has no body; the generator takes the streams' suspended response for one.
        if (item.getGET() != null) {
            item.getGET().setRequestBody(null);
        }
        return item;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        // Only the named bodies: the generator adds schemas of its own for generic return types, which nothing uses.
        Components components = openAPI.getComponents();
        Set<String> named = ContractSchemas.all().keySet();
        List.copyOf(components.getSchemas().keySet()).stream()
                .filter(name -> !named.contains(name))
                .forEach(components::removeSchema);
        // Each tag once, with its description: several resources share a tag, and each names it.
        if (openAPI.getTags() != null) {
            Map<String, Tag> tags = new TreeMap<>();
            for (Tag tag : openAPI.getTags()) {
                tags.merge(tag.getName(), tag, (a, b) -> a.getDescription() != null ? a : b);
            }
            openAPI.setTags(new ArrayList<>(tags.values()));
        }
    }
}
