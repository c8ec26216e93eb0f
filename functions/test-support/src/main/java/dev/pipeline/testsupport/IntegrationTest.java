package dev.pipeline.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test class that starts emulators, a Spring context or processes: tagged
 * {@value #TAG}, so that {@code -DexcludedGroups=integration} runs only the unit tests
 * (README, Tests).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {

	/** The tag. */
	String TAG = "integration";

}
