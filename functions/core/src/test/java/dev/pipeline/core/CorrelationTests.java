package dev.pipeline.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationTests {

	static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	@Test
	void keepsAValidTraceparentAndDropsAnInvalidOne() {
		assertThat(Correlation.of("r1", TRACEPARENT).traceparent()).isEqualTo(TRACEPARENT);
		assertThat(Correlation.of("r1", null).traceparent()).isNull();
		assertThat(Correlation.of("r1", TRACEPARENT.toUpperCase()).traceparent()).isNull();
		assertThat(Correlation.of("r1", "ff" + TRACEPARENT.substring(2)).traceparent()).isNull();
		assertThat(Correlation.of("r1", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01").traceparent()).isNull();
		assertThat(Correlation.of("r1", "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01").traceparent())
			.isNull();
		assertThat(Correlation.of("r1", TRACEPARENT + "\r\nX: y").traceparent()).isNull();
		assertThat(Correlation.of("r1", TRACEPARENT).requestId()).isEqualTo("r1");
	}

	@Test
	void leavesOutWhatAReceivedMessageCarriesThatNoApiWrote() {
		Correlation received = Correlation.received("0b9e5c1e-0000-4000-8000-000000000001", TRACEPARENT);
		assertThat(received.requestId()).isEqualTo("0b9e5c1e-0000-4000-8000-000000000001");
		assertThat(received.traceparent()).isEqualTo(TRACEPARENT);
		assertThat(Correlation.received("a b", "nonsense")).isEqualTo(new Correlation(null, null));
		assertThat(Correlation.received("x".repeat(65), null).requestId()).isNull();
		assertThat(Correlation.received(null, null)).isEqualTo(new Correlation(null, null));
	}

}
