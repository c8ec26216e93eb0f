package dev.pipeline.api.queue;

/**
 * The queue would refuse the message for what the client sent: too large with its
 * attribute, or characters SQS does not accept. A sender fault (413 or 400), never a
 * retryable 503.
 */
public class MessageRefusedException extends RuntimeException {

	private final boolean tooLarge;

	private MessageRefusedException(String message, boolean tooLarge) {
		super(message, null, false, false);
		this.tooLarge = tooLarge;
	}

	static MessageRefusedException tooLarge(int maxBytes) {
		return new MessageRefusedException(
				"The data with its attributes is larger than the queue's " + maxBytes + "-byte message limit", true);
	}

	static MessageRefusedException invalidCharacters() {
		return new MessageRefusedException(
				"The data contains characters the queue does not accept (such as U+FFFE or U+FFFF)", false);
	}

	/**
	 * Whether the message was too large (else: characters the queue refuses).
	 * @return {@code true} for a size fault
	 */
	public boolean tooLarge() {
		return this.tooLarge;
	}

}
