package io.recsys.schema.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class EventCodecTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String IMPRESSION = "{\"v\":1,\"event_id\":\"e1\",\"type\":\"impression\",\"request_id\":\"r1\","
            + "\"user_id\":\"u1\",\"item_id\":\"i1\",\"position\":3,\"surface\":\"home\",\"model_version\":\"m1\","
            + "\"arm\":\"A\",\"event_time\":\"2024-05-31T10:00:00Z\"}";

    private static Decoded decode(String raw) {
        return EventCodec.decode(raw, EventTimePolicy.DEFAULT, NOW);
    }

    @Test
    void encodedEventsDecodeToThemselves() {
        Event impression = decode(IMPRESSION).event();
        Event click = Event.feedback("c1", EventType.CLICK, null, "u1", "i1", impression.eventTime());
        assertThat(EventCodec.encode(impression)).isEqualTo(IMPRESSION);
        assertThat(decode(EventCodec.encode(impression)).event()).isEqualTo(impression);
        assertThat(decode(EventCodec.encode(click)).event()).isEqualTo(click);
        assertThat(impression.position()).isEqualTo(3);
        assertThat(impression.eventTime()).isEqualTo(Instant.parse("2024-05-31T10:00:00Z").toEpochMilli());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "not json                   ; {oops                                              ; MALFORMED_JSON",
            "an array                   ; [1]                                                ; MALFORMED_JSON",
            "unknown version            ; \"v\":1 -> \"v\":2                                 ; UNSUPPORTED_VERSION",
            "unknown field              ; \"arm\":\"A\" -> \"arm\":\"A\",\"extra\":1         ; UNKNOWN_FIELD",
            "missing user               ; \"user_id\":\"u1\", ->                             ; MISSING_FIELD",
            "numeric user               ; \"user_id\":\"u1\" -> \"user_id\":7                ; INVALID_FIELD",
            "id with a space            ; \"item_id\":\"i1\" -> \"item_id\":\"i 1\"          ; INVALID_FIELD",
            "id with the key separator  ; \"item_id\":\"i1\" -> \"item_id\":\"i|1\"          ; INVALID_FIELD",
            "position zero              ; \"position\":3 -> \"position\":0                   ; INVALID_FIELD",
            "position as text           ; \"position\":3 -> \"position\":\"3\"               ; INVALID_FIELD",
            "unknown type               ; \"impression\" -> \"like\"                         ; INVALID_FIELD",
            "impression without request ; \"request_id\":\"r1\", ->                          ; MISSING_FIELD",
            "epoch number time          ; \"2024-05-31T10:00:00Z\" -> 1717149600000         ; INVALID_FIELD",
            "far future                 ; 2024-05-31T10 -> 2024-06-01T01                     ; TIME_OUT_OF_RANGE",
            "far past                   ; 2024-05-31T10 -> 1970-01-01T10                     ; TIME_OUT_OF_RANGE",
    })
    void invalidRecordsAreRejectedWithTheirReason(String name, String change, RejectReason reason) {
        String raw;
        if (change.contains("->")) {
            String[] parts = change.split("->", -1);
            raw = IMPRESSION.replace(parts[0].strip(), parts[1].strip());
            assertThat(raw).as("the test changes the record").isNotEqualTo(IMPRESSION);
        } else {
            raw = change;
        }
        Decoded decoded = decode(raw);
        assertThat(decoded.isValid()).isFalse();
        assertThat(decoded.rejection().reason()).isEqualTo(reason);
        assertThat(decoded.rejection().detail()).isNotBlank();
    }

    @Test
    void anExploredImpressionCarriesItsPropensityThroughEncodeAndDecode() {
        Event explored = decode(IMPRESSION).event().withPropensity(0.125);

        Event decoded = decode(EventCodec.encode(explored)).event();

        assertThat(decoded).isEqualTo(explored);
        assertThat(decoded.propensity()).isEqualTo(0.125);
        assertThat(decode(IMPRESSION).event().propensity()).as("v1 impressions without one still decode").isNull();
        assertThat(EventCodec.encode(decode(IMPRESSION).event())).doesNotContain("propensity");
    }

    @Test
    void aPropensityOutsideZeroToOneOrOnFeedbackIsRefused() {
        for (String bad : new String[]{"0", "1.5", "-0.1", "\"half\""}) {
            String impression = IMPRESSION.replace("\"position\":", "\"propensity\":" + bad + ",\"position\":");
            assertThat(decode(impression).rejection().reason()).as(bad).isEqualTo(RejectReason.INVALID_FIELD);
        }
        String click = "{\"v\":1,\"event_id\":\"c1\",\"type\":\"click\",\"user_id\":\"u1\",\"item_id\":\"i1\","
                + "\"event_time\":\"2024-05-31T23:59:00Z\",\"propensity\":0.5}";
        assertThat(decode(click).rejection().detail()).contains("belongs to impressions only");
    }

    @Test
    void feedbackMustNotCarryAPosition() {
        String click = IMPRESSION.replace("\"impression\"", "\"click\"");
        assertThat(decode(click).rejection().reason()).isEqualTo(RejectReason.INVALID_FIELD);
        assertThat(decode(click.replace("\"position\":3,", "")).isValid()).isTrue();
    }

    @Test
    void oversizedRecordsAreRejectedBeforeParsing() {
        String huge = IMPRESSION.replace("\"m1\"", "\"" + "m".repeat(EventCodec.MAX_RECORD_CHARS) + "\"");
        assertThat(decode(huge).rejection().reason()).isEqualTo(RejectReason.INVALID_FIELD);
    }
}
