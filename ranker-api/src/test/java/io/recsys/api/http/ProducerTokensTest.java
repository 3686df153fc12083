package io.recsys.api.http;

import io.recsys.api.HandClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerTokensTest {

    @TempDir
    Path dir;

    private Path file(String text, long modifiedSecond) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedSecond * 1000));
        return file;
    }

    @Test
    void shouldNameTheProducerOfAKnownTokenAndNobodyForAnyOtherString() throws Exception {
        ProducerTokens tokens = ProducerTokens.fromFile(file("""
                # producers of events
                web-frontend  aaaaaaaaaaaaaaaaaaaa

                replay-job bbbbbbbbbbbbbbbbbbbb
                """, 1), new HandClock(), () -> { });

        assertThat(tokens.producerOf("bbbbbbbbbbbbbbbbbbbb")).contains("replay-job");
        assertThat(tokens.producerOf("aaaaaaaaaaaaaaaaaaaa")).contains("web-frontend");
        assertThat(tokens.producerOf("aaaaaaaaaaaaaaaaaaa")).isEmpty();
        assertThat(tokens.producerOf("")).isEmpty();
    }

    @Test
    void shouldRefuseAFileThatCouldNotProtectAnythingNamingTheLine() throws Exception {
        Clock clock = new HandClock();
        assertThatThrownBy(() -> ProducerTokens.fromFile(file("web short\n", 1), clock, () -> { }))
                .hasMessageContaining("line 1").hasMessageContaining("shorter than 16");
        assertThatThrownBy(() -> ProducerTokens.fromFile(file("# nobody\n", 1), clock, () -> { }))
                .hasMessageContaining("names no producer");
        assertThatThrownBy(() -> ProducerTokens.fromFile(file("a b c\n", 1), clock, () -> { }))
                .hasMessageContaining("expected 'PRODUCER TOKEN'");
        assertThatThrownBy(() -> ProducerTokens.fromFile(dir.resolve("missing"), clock, () -> { }))
                .hasMessageContaining("cannot read the producer tokens file");
    }

    @Test
    void shouldTakeARotatedTokenWithoutARestartAndKeepTheOldOnesWhenTheNewFileIsBroken() throws Exception {
        HandClock clock = new HandClock();
        AtomicInteger failures = new AtomicInteger();
        ProducerTokens tokens = ProducerTokens.fromFile(file("web aaaaaaaaaaaaaaaaaaaa\n", 1), clock,
                failures::incrementAndGet);

        file("web cccccccccccccccccccc\n", 2);
        assertThat(tokens.producerOf("aaaaaaaaaaaaaaaaaaaa")).as("looked at most once a second").contains("web");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.producerOf("aaaaaaaaaaaaaaaaaaaa")).isEmpty();
        assertThat(tokens.producerOf("cccccccccccccccccccc")).contains("web");

        file("web\n", 3);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.producerOf("cccccccccccccccccccc")).as("a broken file keeps the tokens before")
                .contains("web");
        assertThat(failures).hasValue(1);
        assertThat(tokens.lastReloadFailure()).contains("line 1");
    }
}
