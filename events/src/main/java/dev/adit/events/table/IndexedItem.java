package dev.adit.events.table;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondarySortKey;

/** An item that is also listed in GSI1 (sparse: only items that set {@code gsi1pk} are in it). */
public abstract class IndexedItem extends KeyedItem {
    private String gsi1pk;
    private String gsi1sk;

    @DynamoDbSecondaryPartitionKey(indexNames = "gsi1")
    @DynamoDbAttribute("gsi1pk")
    public String getGsi1pk() { return gsi1pk; }
    public void setGsi1pk(String v) { this.gsi1pk = v; }

    @DynamoDbSecondarySortKey(indexNames = "gsi1")
    @DynamoDbAttribute("gsi1sk")
    public String getGsi1sk() { return gsi1sk; }
    public void setGsi1sk(String v) { this.gsi1sk = v; }
}
