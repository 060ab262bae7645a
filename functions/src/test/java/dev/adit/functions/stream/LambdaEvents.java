package dev.adit.functions.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real stream records (read from DynamoDB Local with the SDK) in the shape Lambda delivers them. */
final class LambdaEvents {
    private LambdaEvents() {
    }

    static DynamodbEvent of(List<Record> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records.stream().map(LambdaEvents::record).toList());
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord record(Record sdk) {
        var out = new DynamodbEvent.DynamodbStreamRecord();
        out.setEventID(sdk.eventID());
        out.setEventName(sdk.eventNameAsString());
        out.setEventVersion(sdk.eventVersion());
        out.setEventSource(sdk.eventSource());
        out.setAwsRegion(sdk.awsRegion());
        out.setEventSourceARN("arn:aws:dynamodb:us-east-1:000000000000:table/adit-test/stream/x");
        if (sdk.userIdentity() != null) {
            out.setUserIdentity(new Identity().withType(sdk.userIdentity().type()).withPrincipalId(sdk.userIdentity().principalId()));
        }
        var data = sdk.dynamodb();
        StreamRecord stream = new StreamRecord()
                .withKeys(image(data.keys()))
                .withSequenceNumber(data.sequenceNumber())
                .withSizeBytes(data.sizeBytes());
        stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.fromValue(data.streamViewTypeAsString()));
        if (data.hasNewImage()) {
            stream.setNewImage(image(data.newImage()));
        }
        if (data.hasOldImage()) {
            stream.setOldImage(image(data.oldImage()));
        }
        if (data.approximateCreationDateTime() != null) {
            stream.setApproximateCreationDateTime(Date.from(data.approximateCreationDateTime()));
        }
        out.setDynamodb(stream);
        return out;
    }

    private static Map<String, AttributeValue> image(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> sdk) {
        Map<String, AttributeValue> out = new HashMap<>();
        sdk.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    private static AttributeValue value(software.amazon.awssdk.services.dynamodb.model.AttributeValue v) {
        AttributeValue out = new AttributeValue();
        if (v.s() != null) {
            out.setS(v.s());
        } else if (v.n() != null) {
            out.setN(v.n());
        } else if (v.bool() != null) {
            out.setBOOL(v.bool());
        } else if (v.hasSs()) {
            out.setSS(v.ss());
        } else if (v.hasNs()) {
            out.setNS(v.ns());
        } else if (v.hasL()) {
            out.setL(v.l().stream().map(LambdaEvents::value).toList());
        } else if (v.hasM()) {
            out.setM(image(v.m()));
        } else if (v.b() != null) {
            out.setB(v.b().asByteBuffer());
        } else {
            out.setNULL(true);
        }
        return out;
    }
}
