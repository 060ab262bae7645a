package dev.adit.functions.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

import java.util.List;

/**
 * Lambda's DynamoDB stream records, converted to the AWS SDK v2 type that the domain (and the
 * stream tailer of local mode) works with, so the same code handles both.
 */
final class LambdaStreamRecords {
    private LambdaStreamRecords() {
    }

    static List<Record> toSdk(List<DynamodbEvent.DynamodbStreamRecord> records) {
        return records == null ? List.of() : records.stream().map(LambdaStreamRecords::toSdk).toList();
    }

    static Record toSdk(DynamodbEvent.DynamodbStreamRecord record) {
        Record.Builder out = Record.builder()
                .eventID(record.getEventID())
                .eventName(record.getEventName())
                .eventVersion(record.getEventVersion())
                .eventSource(record.getEventSource())
                .awsRegion(record.getAwsRegion());
        if (record.getUserIdentity() != null) {
            out.userIdentity(Identity.builder().type(record.getUserIdentity().getType())
                    .principalId(record.getUserIdentity().getPrincipalId()).build());
        }
        var data = record.getDynamodb();
        if (data != null) {
            // Absent images stay absent (not empty): StreamRecords tells the two apart.
            StreamRecord.Builder stream = StreamRecord.builder()
                    .keys(LambdaAttributes.toSdk(data.getKeys()))
                    .newImage(LambdaAttributes.toSdk(data.getNewImage()))
                    .oldImage(LambdaAttributes.toSdk(data.getOldImage()))
                    .sequenceNumber(data.getSequenceNumber())
                    .sizeBytes(data.getSizeBytes())
                    .streamViewType(data.getStreamViewType());
            if (data.getApproximateCreationDateTime() != null) {
                stream.approximateCreationDateTime(data.getApproximateCreationDateTime().toInstant());
            }
            out.dynamodb(stream.build());
        }
        return out.build();
    }
}
