package dev.adit.functions.orgs;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/** An organization: {@code pk=ORG#id, sk=ORG}, with the usage counters that tunnels and edges add to. */
@DynamoDbBean
public class OrgItem extends dev.adit.events.table.KeyedItem {
    private String id;
    private String name;
    private String plan;
    private Long createdAt;
    private Long tunnelsCreated;
    private Long requestsServed;
    private Long bytesTransferred;
    private Long owners;

    @DynamoDbAttribute("id")
    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    @DynamoDbAttribute("name")
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @DynamoDbAttribute("plan")
    public String getPlan() {
        return plan;
    }

    public void setPlan(String plan) {
        this.plan = plan;
    }

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Long createdAt) {
        this.createdAt = createdAt;
    }

    @DynamoDbAttribute("tunnels_created")
    public Long getTunnelsCreated() {
        return tunnelsCreated;
    }

    public void setTunnelsCreated(Long tunnelsCreated) {
        this.tunnelsCreated = tunnelsCreated;
    }

    @DynamoDbAttribute("requests_served")
    public Long getRequestsServed() {
        return requestsServed;
    }

    public void setRequestsServed(Long requestsServed) {
        this.requestsServed = requestsServed;
    }

    @DynamoDbAttribute("bytes_transferred")
    public Long getBytesTransferred() {
        return bytesTransferred;
    }

    public void setBytesTransferred(Long bytesTransferred) {
        this.bytesTransferred = bytesTransferred;
    }

    @DynamoDbAttribute("owners")
    public Long getOwners() {
        return owners;
    }

    public void setOwners(Long owners) {
        this.owners = owners;
    }
}
