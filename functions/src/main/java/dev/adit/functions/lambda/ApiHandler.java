package dev.adit.functions.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

import java.util.HashMap;
import java.util.Map;

/**
 * The control API as an AWS Lambda handler for API Gateway HTTP API events (payload 2.0): the same
 * controllers as the local server, configured from the environment (ADIT_TABLE_NAME, ...).
 */
public class ApiHandler extends APIGatewayV2HTTPEventFunction {
    public ApiHandler() {
        super();
    }

    public ApiHandler(ApplicationContext context) {
        super(context);
    }

    /**
     * Payload 2.0 moves the browser's cookies out of the headers into the event's {@code cookies}
     * list, and the adapter reads only the headers: put them back, or the OAuth pages would never
     * see their session on AWS.
     */
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        if (event.getCookies() != null && !event.getCookies().isEmpty()) {
            Map<String, String> headers = event.getHeaders() == null ? new HashMap<>() : new HashMap<>(event.getHeaders());
            headers.merge("cookie", String.join("; ", event.getCookies()), (existing, added) -> existing + "; " + added);
            event.setHeaders(headers);
        }
        return super.handleRequest(event, context);
    }
}
