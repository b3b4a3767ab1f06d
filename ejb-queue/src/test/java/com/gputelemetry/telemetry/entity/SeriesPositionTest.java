package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeriesPositionTest {

    @Test
    void aCursorLeadsBackToItsPosition() {
        var position = new SeriesPosition(1_795_334_118_090_123L, 42_500);

        String cursor = position.toCursor();

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(SeriesPosition.fromCursor(cursor)).isEqualTo(position);
    }

    @Test
    void textThatIsNoCursorIsRefused() {
        assertThatThrownBy(() -> SeriesPosition.fromCursor("not-a-cursor"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeriesPosition.fromCursor("%%%")).isInstanceOf(IllegalArgumentException.class);
    }
}
