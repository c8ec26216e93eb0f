package dev.pipeline.api.token;

import dev.pipeline.api.http.Rejection;
import dev.pipeline.api.http.Rejections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenVerifierTests {

	private static final Duration TTL = Duration.ofSeconds(60);

	private static final Duration GRACE = Duration.ofHours(1);

	private static final Duration COOLDOWN = Duration.ofSeconds(5);

	private final FakeSource source = new FakeSource("first-token");

	private final MutableClock clock = new MutableClock();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TokenVerifier verifier = new TokenVerifier(this.source, this.clock, TTL, GRACE, COOLDOWN,
			this.meters);

	@Test
	void isUnavailableUntilAValueWasRead() {
		assertThat(this.verifier.isReady()).isFalse();
		assertThatExceptionOfType(Rejection.Unavailable.class).isThrownBy(() -> this.verifier.verify("first-token"))
			.satisfies(Rejections.rejected("unavailable-token"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void acceptsTheCurrentValue() {
		assertThat(this.verifier.refresh("schedule")).isTrue();
		assertThat(this.verifier.isReady()).isTrue();
		assertThatCode(() -> this.verifier.verify("first-token")).doesNotThrowAnyException();
	}

	@Test
	void rejectsMissingEmptyAndWrongTokensAlike() {
		this.verifier.refresh("schedule");
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify(null))
			.satisfies(Rejections.rejected("invalid-token"));
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify(""))
			.satisfies(Rejections.rejected("invalid-token"));
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("first-tokeN"))
			.satisfies(Rejections.rejected("invalid-token"));
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("first-token "))
			.satisfies(Rejections.rejected("invalid-token"));
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("first"))
			.satisfies(Rejections.rejected("invalid-token"));
	}

	@Test
	void missingTokensAreRejectedEvenBeforeAValueIsKnown() {
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify(""))
			.satisfies(Rejections.rejected("invalid-token"));
		assertThat(this.source.reads).hasValue(0);
	}

	@Test
	void acceptsARotatedTokenAtOnceThroughOneExtraRead() {
		this.verifier.refresh("schedule");
		this.clock.advance(COOLDOWN);
		this.source.value = "second-token";
		assertThatCode(() -> this.verifier.verify("second-token")).doesNotThrowAnyException();
		assertThat(this.source.reads).hasValue(2);
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("first-token"))
			.satisfies(Rejections.rejected("invalid-token"));
	}

	@Test
	void readsAgainAfterAMismatchAtMostOncePerCooldown() {
		this.verifier.refresh("schedule");
		this.clock.advance(COOLDOWN);
		for (int i = 0; i < 100; i++) {
			assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("guess"))
				.satisfies(Rejections.rejected("invalid-token"));
		}
		assertThat(this.source.reads).hasValue(2);
		this.clock.advance(COOLDOWN);
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("guess"))
			.satisfies(Rejections.rejected("invalid-token"));
		assertThat(this.source.reads).hasValue(3);
		assertThat(this.meters.counter("ingest.token.refreshes", "trigger", "mismatch", "outcome", "success").count())
			.isEqualTo(2);
	}

	@Test
	void aRotatedTokenWithinTheCooldownWaitsForTheNextRead() {
		this.verifier.refresh("schedule");
		this.source.value = "second-token";
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("second-token"))
			.satisfies(Rejections.rejected("invalid-token"));
		this.clock.advance(TTL);
		this.verifier.refresh("schedule");
		assertThatCode(() -> this.verifier.verify("second-token")).doesNotThrowAnyException();
	}

	@Test
	void readsTheValueInTheSnapStartRestoreHookWhenTheSnapshotsValueIsPastItsGrace() {
		this.verifier.refresh("schedule");
		// The snapshot holds this value; the function is restored from it a day later.
		this.clock.advance(Duration.ofDays(1));
		this.source.value = "rotated-meanwhile";
		assertThat(this.verifier.isReady()).isFalse();

		this.verifier.afterRestore(null);

		assertThat(this.verifier.isReady()).isTrue();
		assertThatCode(() -> this.verifier.verify("rotated-meanwhile")).doesNotThrowAnyException();
		assertThat(this.meters.counter("ingest.token.refreshes", "trigger", "restore", "outcome", "success").count())
			.isEqualTo(1);
	}

	@Test
	void keepsTheCachedValueWhileSsmIsDownWithinGrace() {
		this.verifier.refresh("schedule");
		this.source.failing = true;
		this.clock.advance(GRACE.minusSeconds(1));
		assertThat(this.verifier.refresh("schedule")).isFalse();
		assertThat(this.verifier.isReady()).isTrue();
		assertThatCode(() -> this.verifier.verify("first-token")).doesNotThrowAnyException();
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.verifier.verify("wrong"))
			.satisfies(Rejections.rejected("invalid-token"));
	}

	@Test
	void becomesUnavailableWhenTheGraceRunsOut() {
		this.verifier.refresh("schedule");
		this.source.failing = true;
		this.clock.advance(GRACE.plusSeconds(1));
		this.verifier.refresh("schedule");
		assertThat(this.verifier.isReady()).isFalse();
		assertThatExceptionOfType(Rejection.Unavailable.class).isThrownBy(() -> this.verifier.verify("first-token"))
			.satisfies(Rejections.rejected("unavailable-token"));
		this.source.failing = false;
		this.verifier.refresh("schedule");
		assertThatCode(() -> this.verifier.verify("first-token")).doesNotThrowAnyException();
	}

	@Test
	void anEmptyParameterCountsAsAFailedRead() {
		this.source.value = "";
		assertThat(this.verifier.refresh("schedule")).isFalse();
		assertThat(this.verifier.isReady()).isFalse();
	}

	@Test
	void readsInTheBackgroundOnceStarted() {
		this.verifier.start();
		try {
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.verifier.isReady()).isTrue());
			assertThatCode(() -> this.verifier.verify("first-token")).doesNotThrowAnyException();
		}
		finally {
			this.verifier.stop();
		}
		assertThat(this.verifier.isRunning()).isFalse();
	}

	static final class FakeSource implements TokenSource {

		volatile String value;

		volatile boolean failing;

		final AtomicInteger reads = new AtomicInteger();

		FakeSource(String value) {
			this.value = value;
		}

		@Override
		public String read() {
			this.reads.incrementAndGet();
			if (this.failing) {
				throw new IllegalStateException("SSM is down");
			}
			if (this.value.isEmpty()) {
				throw new IllegalStateException("empty");
			}
			return this.value;
		}

	}

	static final class MutableClock extends Clock {

		private volatile Instant now = Instant.parse("2026-11-28T12:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
