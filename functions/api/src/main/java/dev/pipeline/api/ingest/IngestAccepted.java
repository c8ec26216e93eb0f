package dev.pipeline.api.ingest;

/**
 * The answer to an accepted request.
 *
 * @param messageId the SQS message id
 * @param key where the worker will write the object
 */
public record IngestAccepted(String messageId, String key) {
}
