package dev.pipeline.api.ingest;

/**
 * The answer to an accepted request.
 *
 * @param messageId the pipeline's message id (not the SQS MessageId)
 * @param key where the worker will write the object
 */
public record IngestAccepted(String messageId, String key) {
}
