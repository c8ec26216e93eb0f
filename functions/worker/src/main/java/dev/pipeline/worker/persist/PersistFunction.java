package dev.pipeline.worker.persist;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import dev.pipeline.core.QueueMessage;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.stereotype.Component;

/**
 * The {@code persist} function: one queue message, as a Spring message with the SQS
 * listener's headers, to one archive object. It throws when the message was not
 * persisted, so the caller must not delete it.
 */
@Component(PersistFunction.NAME)
public class PersistFunction implements Consumer<Message<String>> {

	/** The function's name in the function catalog. */
	public static final String NAME = "persist";

	static final String RAW_MESSAGE_ID = "Sqs_RawMessageId";

	static final String SENT_TIMESTAMP = "Sqs_Msa_SentTimestamp";

	private final MessagePersister persister;

	PersistFunction(MessagePersister persister) {
		this.persister = persister;
	}

	@Override
	public void accept(Message<String> message) {
		this.persister.persist(toQueued(message));
	}

	static QueuedMessage toQueued(Message<String> message) {
		MessageHeaders headers = message.getHeaders();
		String messageId = headers.get(RAW_MESSAGE_ID, String.class);
		if (messageId == null) {
			UUID id = headers.getId();
			messageId = (id != null) ? id.toString() : null;
		}
		Object ingestedAt = headers.get(QueueMessage.INGESTED_AT);
		return new QueuedMessage(messageId, message.getPayload(), (ingestedAt != null) ? ingestedAt.toString() : null,
				sentAt(headers.get(SENT_TIMESTAMP)));
	}

	private static Instant sentAt(Object value) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(value.toString()));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
