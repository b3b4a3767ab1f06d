package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeriesPositionTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCursorLeadsBackToItsPositionAndDirection(boolean descending) {
        var position = new SeriesPosition(1_795_334_118_090_123L, 42_500, descending);

        String cursor = position.toCursor();

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(SeriesPosition.fromCursor(cursor)).isEqualTo(position);
    }

    @Test
    void aPositionPrecedesWhatComesAfterItInItsDirection() {
        var ascending = new SeriesPosition(100, 7, false);
        assertThat(ascending.precedes(100, 8)).isTrue();
        assertThat(ascending.precedes(101, 1)).isTrue();
        assertThat(ascending.precedes(100, 7)).isFalse();
        assertThat(ascending.precedes(99, 9)).isFalse();
        var descending = new SeriesPosition(100, 7, true);
        assertThat(descending.precedes(100, 6)).isTrue();
        assertThat(descending.precedes(99, 9)).isTrue();
        assertThat(descending.precedes(100, 7)).isFalse();
        assertThat(descending.precedes(101, 1)).isFalse();
        assertThat(SeriesPosition.start(false).precedes(Long.MIN_VALUE, Long.MIN_VALUE + 1))
                .isTrue();
    }

    @Test
    void textThatIsNoCursorIsRefused() {
        assertThatThrownBy(() -> SeriesPosition.fromCursor("not-a-cursor"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeriesPosition.fromCursor("%%%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeriesPosition.fromCursor(GpuPosition.START.toCursor()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gpuCursorsLeadBackToTheirPlaceInTheList() {
        var position = new GpuPosition("mtv5-dgx1-hgpu-031", 7, "GPU-5fd4f087-86f3-7a43-b711-4771313afc50");

        assertThat(GpuPosition.fromCursor(position.toCursor())).isEqualTo(position);
        assertThatThrownBy(() -> GpuPosition.fromCursor(new SeriesPosition(1, 2, false).toCursor()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
