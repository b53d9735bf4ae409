package dev.sessiongateway.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider's request budget is the whole deployment's on PostgreSQL: two replicas (two
 * connection pools on one database) taking at once get no more than the budget together.
 */
class SharedRequestBudgetTests {

	private static EmbeddedPostgres postgres;

	private static HikariDataSource replicaOne;

	private static HikariDataSource replicaTwo;

	@BeforeAll
	static void startDatabase() throws Exception {
		postgres = EmbeddedPostgres.builder().start();
		replicaOne = pool();
		replicaTwo = pool();
		Flyway.configure().dataSource(replicaOne).load().migrate();
	}

	private static HikariDataSource pool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
		pool.setMaximumPoolSize(8);
		return pool;
	}

	@AfterAll
	static void stopDatabase() throws Exception {
		replicaOne.close();
		replicaTwo.close();
		postgres.close();
	}

	@Test
	void twoReplicasTakingAtOnceShareOneBudget() throws Exception {
		RequestBudgets one = new RequestBudgets(replicaOne);
		RequestBudgets two = new RequestBudgets(replicaTwo);
		assertThat(one.isShared()).isTrue();
		List<RequestBudget> budgets = List.of(one.budget("konpro", 10), two.budget("konpro", 10));
		AtomicInteger granted = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				RequestBudget budget = budgets.get(i % 2);
				calls.add(callers.submit(() -> {
					long wait = budget.tryAcquire();
					if (wait == 0) {
						granted.incrementAndGet();
					}
					else {
						assertThat(wait).isBetween(1L, 61L);
						refused.incrementAndGet();
					}
				}));
			}
			for (Future<?> call : calls) {
				call.get();
			}
		}
		assertThat(granted.get()).as("10 a minute for the deployment, not per replica").isEqualTo(10);
		assertThat(refused.get()).isEqualTo(30);
	}

	/**
	 * Every part of a budget divided so that ends come first is the deployment's: a
	 * client's share, what opens and reads may use, and what ends keep.
	 */
	@Test
	void twoReplicasShareEveryPartOfABudgetThatPutsEndsFirst() throws Exception {
		// 6 a minute: 3 for opens and reads, 2 of them for client a's opens; ends keep 3
		BudgetSplit split = BudgetSplit.of(6, 0.5, Map.of("a", 0.67));
		List<RequestBudget> budgets = List.of(new RequestBudgets(replicaOne).budget("konpro-split", split),
				new RequestBudgets(replicaTwo).budget("konpro-split", split));

		assertThat(granted(budgets, RequestBudget.Draw.open("a"))).as("client a's share").isEqualTo(2);
		assertThat(granted(budgets, RequestBudget.Draw.read())).as("the rest of what opens and reads may use")
			.isEqualTo(1);
		assertThat(granted(budgets, RequestBudget.Draw.end())).as("what ends keep").isEqualTo(3);
		assertThat(granted(budgets, RequestBudget.Draw.end())).isZero();
	}

	/** Takes 20 draws at once, half on each replica: how many were let go. */
	private static int granted(List<RequestBudget> budgets, RequestBudget.Draw draw) throws Exception {
		AtomicInteger granted = new AtomicInteger();
		try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				RequestBudget budget = budgets.get(i % 2);
				calls.add(callers.submit(() -> {
					if (budget.take(draw) == null) {
						granted.incrementAndGet();
					}
				}));
			}
			for (Future<?> call : calls) {
				call.get();
			}
		}
		return granted.get();
	}

	@Test
	void eachProviderHasABudgetOfItsOwn() {
		RequestBudgets budgets = new RequestBudgets(replicaOne);
		RequestBudget pathors = budgets.budget("pathors-own", 2);
		RequestBudget konpro = budgets.budget("konpro-own", 2);

		assertThat(List.of(pathors.tryAcquire(), pathors.tryAcquire(), konpro.tryAcquire(), konpro.tryAcquire()))
			.containsOnly(0L);
		assertThat(pathors.tryAcquire()).isPositive();
		assertThat(konpro.tryAcquire()).isPositive();
	}

	@Test
	void withoutPostgresTheBudgetIsHeldInTheProcess() {
		RequestBudget budget = RequestBudgets.local().budget("konpro", 3);
		assertThat(RequestBudgets.local().isShared()).isFalse();
		assertThat(List.of(budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire())).containsOnly(0L);
		assertThat(budget.tryAcquire()).isPositive();
		assertThat(RequestBudgets.local().budget("konpro", 0).tryAcquire()).as("0: no limit").isZero();
	}

}
