package dev.pipeline.worker.persist;

/**
 * A message could not be persisted; it stays on the queue, to be retried after its
 * visibility timeout and moved to the dead-letter queue by the redrive policy.
 */
public class PersistException extends RuntimeException {

	private final String reason;

	PersistException(String reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	/**
	 * A short, stable name of what failed, used as a metric tag.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
