package dev.pipeline.api.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the bytes of request bodies the API holds at once, so that many concurrent large
 * bodies (with a wrong token or not) cannot exhaust the heap: a body is read only after
 * its size is reserved, counted in KiB at its declared length, or at the limit when it
 * has none. A request that finds no room within the wait gets a
 * {@link Rejection.Unavailable} (503 with {@code Retry-After}) before anything of it is
 * read.
 */
public final class BodyBudget {

	private final Semaphore kib;

	private final int capacityKib;

	private final Duration wait;

	/**
	 * A budget.
	 * @param bytes the most bytes held at once
	 * @param wait how long a request may wait for room
	 */
	public BodyBudget(long bytes, Duration wait) {
		this.capacityKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes / 1024));
		this.kib = new Semaphore(this.capacityKib, true);
		this.wait = wait;
	}

	/**
	 * Reserves room for one body; close the reservation when the request is done.
	 * @param bytes the body's declared length, or the limit
	 * @return the reservation
	 * @throws Rejection.Unavailable if there was no room within the wait (busy)
	 */
	public Reservation reserve(long bytes) {
		int needed = (int) Math.min(this.capacityKib, Math.max(1, (bytes + 1023) / 1024));
		try {
			if (!this.kib.tryAcquire(needed, this.wait.toMillis(), TimeUnit.MILLISECONDS)) {
				throw Rejection.unavailable("busy", "The API holds as many request bodies as its memory allows",
						Duration.ofSeconds(1), null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw Rejection.unavailable("busy", "The API holds as many request bodies as its memory allows",
					Duration.ofSeconds(1), null);
		}
		return new Reservation(this.kib, needed);
	}

	/**
	 * How many KiB are free now.
	 * @return the free KiB
	 */
	public int availableKib() {
		return this.kib.availablePermits();
	}

	/** Room for one body, given back once. */
	public static final class Reservation implements AutoCloseable {

		private final Semaphore kib;

		private int held;

		Reservation(Semaphore kib, int held) {
			this.kib = kib;
			this.held = held;
		}

		@Override
		public void close() {
			int released = this.held;
			this.held = 0;
			if (released > 0) {
				this.kib.release(released);
			}
		}

	}

}
