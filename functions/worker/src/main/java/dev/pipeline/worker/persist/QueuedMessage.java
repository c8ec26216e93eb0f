package dev.pipeline.worker.persist;

import java.time.Instant;
import java.util.function.UnaryOperator;

import dev.pipeline.core.Correlation;
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
 * @param correlation the request id and trace context it carries
 */
public record QueuedMessage(String messageId, String sqsMessageId, String body, String ingestedAt, Instant sentAt,
		Correlation correlation) {

	/**
	 * A received message.
	 * @param sqsMessageId its SQS MessageId
	 * @param attributes its message attributes by name, as text ({@code null} where
	 * absent)
	 * @param body its body
	 * @param sentAt its {@code SentTimestamp}, or {@code null}
	 * @return the message, named by the id its client was given
	 */
	public static QueuedMessage received(String sqsMessageId, UnaryOperator<String> attributes, String body,
			Instant sentAt) {
		return new QueuedMessage(QueueMessage.messageId(attributes.apply(QueueMessage.MESSAGE_ID), sqsMessageId),
				sqsMessageId, body, attributes.apply(QueueMessage.INGESTED_AT), sentAt, Correlation
					.received(attributes.apply(Correlation.REQUEST_ID), attributes.apply(Correlation.TRACEPARENT)));
	}

}
