package dev.pipeline.worker.persist;

import java.time.Instant;

/**
 * One message as the worker needs it, whatever delivered it (the SQS listener, or a
 * Lambda event).
 *
 * @param messageId the SQS message id
 * @param body the message body
 * @param ingestedAt the {@code ingested-at} attribute as sent, or {@code null}
 * @param sentAt the message's {@code SentTimestamp}, or {@code null}
 */
public record QueuedMessage(String messageId, String body, String ingestedAt, Instant sentAt) {
}
