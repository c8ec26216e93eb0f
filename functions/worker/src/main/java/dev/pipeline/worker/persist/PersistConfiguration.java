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

	@Bean(PersistFunction.NAME)
	PersistFunction persist(S3Client s3, WorkerProperties properties, Clock clock, MeterRegistry meters) {
		return new PersistFunction(new ArchiveWriter(s3, properties.bucket().name()),
				new ObjectKeys(properties.key().prefix()), clock, meters);
	}

}
