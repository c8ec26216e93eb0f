package dev.pipeline.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background loop of the services: runs an attempt on a daemon thread of its own,
 * and after a failure runs it again with exponential backoff (first delay, doubled up to
 * a maximum). After a success it either ends (a one-off task: find the queue, start
 * polling) or runs again after a period (a refresh: read the token every TTL). Whatever
 * the attempt throws, {@link Error}s included, counts as a failure and is retried: the
 * loop never ends silently. {@link #close()} ends it.
 */
public final class BackgroundRetry implements AutoCloseable {

	/** One attempt: {@code true} when it succeeded. */
	@FunctionalInterface
	public interface Attempt {

		/**
		 * Runs once.
		 * @param nextDelay the delay before the next attempt if this one fails, for logs
		 * @return whether it succeeded
		 * @throws Exception any failure, retried like a {@code false}
		 */
		boolean run(Duration nextDelay) throws Exception;

	}

	private static final Logger logger = LoggerFactory.getLogger(BackgroundRetry.class);

	private final String name;

	private final ScheduledExecutorService executor;

	private final Attempt attempt;

	private final Duration first;

	private final Duration max;

	private final Duration period;

	private Duration delay;

	private BackgroundRetry(String name, Duration first, Duration max, Duration period, Attempt attempt) {
		this.name = name;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
		this.attempt = attempt;
		this.first = first;
		this.max = max;
		this.period = period;
		this.delay = first;
	}

	/**
	 * Runs {@code attempt} now, and again after each failure, until it succeeds once.
	 * @param name the thread's name
	 * @param first the delay after the first failure
	 * @param max the longest delay
	 * @param attempt the attempt
	 * @return the running loop
	 */
	public static BackgroundRetry untilDone(String name, Duration first, Duration max, Attempt attempt) {
		return start(new BackgroundRetry(name, first, max, null, attempt));
	}

	/**
	 * Runs {@code attempt} now, then every {@code period} after a success, and with
	 * backoff (up to {@code period}) after a failure.
	 * @param name the thread's name
	 * @param first the delay after the first failure
	 * @param period the delay after a success, and the longest delay after a failure
	 * @param attempt the attempt
	 * @return the running loop
	 */
	public static BackgroundRetry every(String name, Duration first, Duration period, Attempt attempt) {
		return start(new BackgroundRetry(name, first, period, period, attempt));
	}

	private static BackgroundRetry start(BackgroundRetry loop) {
		loop.executor.execute(loop::runOnce);
		return loop;
	}

	private void runOnce() {
		boolean succeeded = false;
		try {
			succeeded = this.attempt.run(this.delay);
		}
		catch (Exception | Error ex) {
			logger.error("{} failed ({}); retrying in {} ms", this.name, ex.getClass().getSimpleName(),
					this.delay.toMillis());
		}
		Duration next;
		if (succeeded) {
			this.delay = this.first;
			if (this.period == null) {
				return;
			}
			next = this.period;
		}
		else {
			next = this.delay;
			Duration doubled = this.delay.multipliedBy(2);
			this.delay = (doubled.compareTo(this.max) < 0) ? doubled : this.max;
		}
		if (!this.executor.isShutdown()) {
			this.executor.schedule(this::runOnce, next.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Ends the loop: no attempt starts after this, and one under way is interrupted.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/**
	 * Waits for an attempt under way to finish after {@link #close()}.
	 * @param timeout how long to wait
	 * @return whether it finished
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitClosed(Duration timeout) throws InterruptedException {
		return this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
