package dev.pipeline.worker.persist;

import java.time.Instant;

import dev.pipeline.core.QueueMessage;

/**
 * One message as the worker needs it, whatever delivered it (the SQS listener, or a
 * Lambda event).
 *
 * @param messageId the pipeline's id of the message: its {@code message-id} attribute,
 * else its SQS MessageId ({@link QueueMessage#messageId})
 * @param sqsMessageId the SQS MessageId of this delivery (it changes when the message is
 * moved), for logs
 * @param body the message body
 * @param ingestedAt the {@code ingested-at} attribute as sent, or {@code null}
 * @param sentAt the message's {@code SentTimestamp}, or {@code null}
 */
public record QueuedMessage(String messageId, String sqsMessageId, String body, String ingestedAt, Instant sentAt) {

	/**
	 * A received message.
	 * @param sqsMessageId its SQS MessageId
	 * @param messageIdAttribute its {@code message-id} attribute, or {@code null}
	 * @param body its body
	 * @param ingestedAt its {@code ingested-at} attribute, or {@code null}
	 * @param sentAt its {@code SentTimestamp}, or {@code null}
	 * @return the message, named by the id its client was given
	 */
	public static QueuedMessage received(String sqsMessageId, String messageIdAttribute, String body, String ingestedAt,
			Instant sentAt) {
		return new QueuedMessage(QueueMessage.messageId(messageIdAttribute, sqsMessageId), sqsMessageId, body,
				ingestedAt, sentAt);
	}

}
