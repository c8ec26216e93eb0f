package dev.pipeline.worker.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.awspring.cloud.sqs.listener.MessageListener;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;

/**
 * Feeds each polled batch to {@code persist}, uploading in parallel, then deletes the
 * messages that were persisted, and only those, in one {@code DeleteMessageBatch}. A
 * message that failed is not touched: it becomes visible again after its visibility
 * timeout, and the redrive policy eventually moves it to the dead-letter queue.
 * <p>
 * The delete is awaited before the batch counts as done, so a container stop that waits
 * for in-flight batches leaves no persisted message undeleted.
 */
class BatchPersister implements MessageListener<String> {

	private static final Logger logger = LoggerFactory.getLogger(BatchPersister.class);

	private final Consumer<Message<String>> persist;

	private final Executor uploads;

	BatchPersister(Consumer<Message<String>> persist, Executor uploads) {
		this.persist = persist;
		this.uploads = uploads;
	}

	@Override
	public void onMessage(Message<String> message) {
		onMessage(List.of(message));
	}

	@Override
	public void onMessage(Collection<Message<String>> messages) {
		List<CompletableFuture<Message<String>>> uploads = new ArrayList<>(messages.size());
		for (Message<String> message : messages) {
			uploads.add(CompletableFuture.supplyAsync(() -> persistOrNull(message), this.uploads));
		}
		List<Message<String>> persisted = new ArrayList<>(messages.size());
		for (CompletableFuture<Message<String>> upload : uploads) {
			Message<String> message = upload.join();
			if (message != null) {
				persisted.add(message);
			}
		}
		if (!persisted.isEmpty()) {
			try {
				Acknowledgement.acknowledge(persisted);
			}
			catch (RuntimeException ex) {
				logger.atWarn()
					.addKeyValue("messages", persisted.size())
					.log("Delete failed; the persisted messages will be redelivered and found stored: {}",
							ex.getClass().getSimpleName());
			}
		}
	}

	private Message<String> persistOrNull(Message<String> message) {
		try {
			this.persist.accept(message);
			return message;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
