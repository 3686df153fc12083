package io.recsys.jobs.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recsys.schema.event.RejectReason;

import java.time.Instant;

/** A record the job refused, as it goes to the dead-letter topic: the original text and why. */
public record DeadLetter(String reason, String detail, String raw, long rejectedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static DeadLetter of(RejectReason reason, String detail, String raw, long rejectedAt) {
        return new DeadLetter(reason.label(), detail, raw, rejectedAt);
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("reason", reason);
        node.put("detail", detail);
        node.put("raw", raw);
        node.put("rejected_at", Instant.ofEpochMilli(rejectedAt).toString());
        return node.toString();
    }
}
