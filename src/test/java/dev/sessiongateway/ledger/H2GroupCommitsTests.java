package dev.sessiongateway.ledger;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Group commits on H2, where a failed statement leaves its transaction open.
 */
class H2GroupCommitsTests extends GroupCommitsContract {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource("jdbc:h2:mem:group-commits;DB_CLOSE_DELAY=-1", "sa", "");
	}

	@Override
	int writers() {
		return GroupCommits.H2_WRITERS;
	}

}
