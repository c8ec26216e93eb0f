package dev.pipeline.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundRetryTests {

	@Test
	void retriesWithDoublingDelaysUpToTheMaximumUntilItSucceedsThenStops() throws Exception {
		List<Duration> delays = new CopyOnWriteArrayList<>();
		AtomicInteger attempts = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		try (BackgroundRetry loop = BackgroundRetry.untilDone("test", Duration.ofMillis(1), Duration.ofMillis(4),
				(next) -> {
					delays.add(next);
					if (attempts.incrementAndGet() < 5) {
						return false;
					}
					done.countDown();
					return true;
				})) {
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			loop.close();
			assertThat(loop.awaitClosed(Duration.ofSeconds(10))).isTrue();
		}
		assertThat(attempts.get()).isEqualTo(5);
		assertThat(delays).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(4),
				Duration.ofMillis(4), Duration.ofMillis(4));
	}

	@Test
	void anErrorIsRetriedNotTheEndOfTheLoop() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		CountDownLatch recovered = new CountDownLatch(1);
		try (BackgroundRetry loop = BackgroundRetry.untilDone("test", Duration.ofMillis(1), Duration.ofMillis(2),
				(next) -> {
					int n = attempts.incrementAndGet();
					if (n == 1) {
						throw new OutOfMemoryError("simulated");
					}
					if (n == 2) {
						throw new IllegalStateException("simulated");
					}
					recovered.countDown();
					return true;
				})) {
			assertThat(recovered.await(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(attempts.get()).isEqualTo(3);
	}

	@Test
	void aPeriodicLoopRunsAgainAfterASuccess() throws Exception {
		CountDownLatch three = new CountDownLatch(3);
		try (BackgroundRetry loop = BackgroundRetry.every("test", Duration.ofMillis(1), Duration.ofMillis(5),
				(next) -> {
					three.countDown();
					return true;
				})) {
			assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void noAttemptStartsAfterClose() throws Exception {
		AtomicInteger attempts = new AtomicInteger();
		CountDownLatch first = new CountDownLatch(1);
		BackgroundRetry loop = BackgroundRetry.every("test", Duration.ofMillis(1), Duration.ofMillis(1), (next) -> {
			attempts.incrementAndGet();
			first.countDown();
			return false;
		});
		assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
		loop.close();
		assertThat(loop.awaitClosed(Duration.ofSeconds(10))).isTrue();
		int closedAt = attempts.get();
		assertThat(loop.awaitClosed(Duration.ofMillis(50))).isTrue();
		assertThat(attempts.get()).isEqualTo(closedAt);
	}

}
