package dev.pipeline.worker.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.core.metrics.EmfMeterRegistry;
import dev.pipeline.worker.persist.PersistFunction;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code persist} on AWS Lambda: an SQS event source mapping with
 * {@code ReportBatchItemFailures} delivers a batch, and the answer names exactly the
 * messages that were not stored. Lambda deletes the others; a message is never
 * acknowledged because another one of its batch succeeded. The same per-message core as
 * the listener's {@code persist}.
 * <p>
 * The messages of a batch are stored in parallel, so a batch takes as long as its slowest
 * message: the function's timeout is one message's S3 call timeout, as the listener's
 * stop is.
 */
@Component(SqsBatchFunction.NAME)
public class SqsBatchFunction implements Function<SQSEvent, SQSBatchResponse>, DisposableBean {

	/** The function's name: {@code spring_cloud_function_definition} on Lambda. */
	public static final String NAME = "persistBatch";

	private final PersistFunction persist;

	private final ObjectProvider<EmfMeterRegistry> cloudWatch;

	/** A thread per message in flight, kept between invocations of the sandbox. */
	private final ExecutorService stores = Executors.newCachedThreadPool(daemonThreads());

	SqsBatchFunction(PersistFunction persist, ObjectProvider<EmfMeterRegistry> cloudWatch) {
		this.persist = persist;
		this.cloudWatch = cloudWatch;
	}

	@Override
	public SQSBatchResponse apply(SQSEvent event) {
		List<BatchItemFailure> failures = new ArrayList<>();
		List<SQSMessage> records = (event.getRecords() != null) ? event.getRecords() : List.of();
		List<CompletableFuture<String>> stored = records.stream()
			.map((record) -> CompletableFuture.supplyAsync(() -> this.persist.persist(toQueued(record)), this.stores))
			.toList();
		for (int i = 0; i < records.size(); i++) {
			try {
				stored.get(i).join();
			}
			catch (CompletionException ex) {
				// persist counted and logged it; Lambda leaves it on the queue.
				failures.add(new BatchItemFailure(records.get(i).getMessageId()));
			}
		}
		// Before Lambda freezes the sandbox, which stops the publishing thread.
		this.cloudWatch.ifAvailable(EmfMeterRegistry::publishIfDue);
		return new SQSBatchResponse(failures);
	}

	@Override
	public void destroy() {
		this.stores.shutdown();
	}

	private static java.util.concurrent.ThreadFactory daemonThreads() {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, "store-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	static QueueMessage.Received toQueued(SQSMessage record) {
		Map<String, MessageAttribute> attributes = (record.getMessageAttributes() != null)
				? record.getMessageAttributes() : Map.of();
		return QueueMessage.received(record.getMessageId(), (name) -> text(attributes.get(name)), record.getBody(),
				(record.getAttributes() != null) ? record.getAttributes().get("SentTimestamp") : null);
	}

	private static String text(MessageAttribute attribute) {
		return (attribute != null) ? attribute.getStringValue() : null;
	}

}
