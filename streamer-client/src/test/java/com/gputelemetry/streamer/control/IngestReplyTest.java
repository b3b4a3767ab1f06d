package com.gputelemetry.streamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestReplyTest {

    @Test
    void readsAcceptedRowsAndRejectionsFromTheServersReply() {
        IngestReply reply = IngestReply.parse("{\"accepted\":498,\"duplicate\":false,\"rejected\":["
                + "{\"line\":3,\"reason\":\"value is not a number: 'n/a'\"},"
                + "{\"line\":9,\"reason\":\"a \\\"quoted\\\" reason\"}]}");

        assertThat(reply.accepted()).isEqualTo(498);
        assertThat(reply.rejectedRows()).isEqualTo(2);
        assertThat(reply.rejected()).extracting(IngestReply.Rejection::bodyLine).containsExactly(3L, 9L);
        assertThat(reply.rejected().get(0).reason()).isEqualTo("value is not a number: 'n/a'");
    }

    @Test
    void aReplyWithoutCountsIsAnError() {
        assertThatThrownBy(() -> IngestReply.parse("<html>proxy error</html>"))
                .isInstanceOf(IllegalStateException.class);
    }
}
