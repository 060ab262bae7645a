package dev.adit.functions.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Jackson turns {@code "description": 5} into the string "5" unless told otherwise. A client that
 * sends the wrong type has a bug; it should hear about it (422 naming the field), not have its
 * value quietly changed. Likewise a body with text after its JSON value
 * ({@code {"tunnel_name":"a"} junk}) or a field given twice is malformed (400), not read up to
 * the first value or the last duplicate.
 */
@Singleton
public class StrictJson implements BeanCreatedEventListener<ObjectMapper> {
    @Override
    public ObjectMapper onCreated(BeanCreatedEvent<ObjectMapper> event) {
        ObjectMapper mapper = event.getBean();
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        var textual = mapper.coercionConfigFor(LogicalType.Textual);
        textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
