package dev.pipeline.worker.persist;

import java.time.Clock;

import dev.pipeline.core.ObjectKeys;
import dev.pipeline.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.services.s3.S3Client;

@Configuration(proxyBeanMethods = false)
class PersistConfiguration {

	@Bean
	MessagePersister messagePersister(S3Client s3, WorkerProperties properties, Clock clock, MeterRegistry meters) {
		return new MessagePersister(new ArchiveWriter(s3, properties.bucket().name()),
				new ObjectKeys(properties.key().prefix()), clock, meters);
	}

}
