package dev.pipeline.worker.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.MessageAttribute;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.core.metrics.EmfMeterRegistry;
import dev.pipeline.worker.persist.PersistFunction;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code persist} on AWS Lambda: an SQS event source mapping with
 * {@code ReportBatchItemFailures} delivers a batch, and the answer names exactly the
 * messages that were not stored. Lambda deletes the others; a message is never
 * acknowledged because another one of its batch succeeded. The same per-message core as
 * the listener's {@code persist}.
 */
@Component(SqsBatchFunction.NAME)
public class SqsBatchFunction implements Function<SQSEvent, SQSBatchResponse> {

	/** The function's name: {@code spring_cloud_function_definition} on Lambda. */
	public static final String NAME = "persistBatch";

	private final PersistFunction persist;

	private final ObjectProvider<EmfMeterRegistry> cloudWatch;

	SqsBatchFunction(PersistFunction persist, ObjectProvider<EmfMeterRegistry> cloudWatch) {
		this.persist = persist;
		this.cloudWatch = cloudWatch;
	}

	@Override
	public SQSBatchResponse apply(SQSEvent event) {
		List<BatchItemFailure> failures = new ArrayList<>();
		List<SQSMessage> records = (event.getRecords() != null) ? event.getRecords() : List.of();
		for (SQSMessage record : records) {
			try {
				this.persist.persist(toQueued(record));
			}
			catch (RuntimeException ex) {
				// persist counted and logged it; Lambda leaves it on the queue.
				failures.add(new BatchItemFailure(record.getMessageId()));
			}
		}
		// Before Lambda freezes the sandbox, which stops the publishing thread.
		this.cloudWatch.ifAvailable(EmfMeterRegistry::publishIfDue);
		return new SQSBatchResponse(failures);
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
