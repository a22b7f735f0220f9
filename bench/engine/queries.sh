# Benchmark queries (sourced by run.sh). {D} is replaced by the data directory.
# Each query returns few rows so the measurement is the engine, not printing.
QUERY_NAMES=(seed_stats selective_scan join3_groupby high_card_groupby top_n)
declare -A QUERIES
QUERIES[seed_stats]="SELECT c.product, v.grade, count(*) AS n, sum(v.premium) AS premium, avg(v.premium) AS avg_premium, stddev_samp(v.premium) AS sd_premium, min(v.sum_insured) AS min_si, max(v.sum_insured) AS max_si FROM read_parquet('{D}/coverages/*.parquet') v JOIN read_parquet('{D}/contracts/*.parquet') c ON v.contract_id = c.contract_id JOIN read_parquet('{D}/customers/*.parquet') u ON c.customer_id = u.customer_id GROUP BY c.product, v.grade ORDER BY c.product, v.grade"
QUERIES[selective_scan]="SELECT grade, count(*) AS n, sum(premium) AS premium FROM read_parquet('{D}/coverages/*.parquet') WHERE start_date BETWEEN DATE '2021-03-01' AND DATE '2021-03-31' AND status = 'active' GROUP BY grade ORDER BY grade"
QUERIES[join3_groupby]="SELECT u.region, c.product, count(*) AS n, sum(v.sum_insured) AS si FROM read_parquet('{D}/coverages/*.parquet') v JOIN read_parquet('{D}/contracts/*.parquet') c ON v.contract_id = c.contract_id JOIN read_parquet('{D}/customers/*.parquet') u ON c.customer_id = u.customer_id WHERE u.region <> 'islands' GROUP BY u.region, c.product ORDER BY u.region, c.product"
QUERIES[high_card_groupby]="SELECT count(*) AS contracts, sum(n) AS n, sum(p) AS premium, max(last_start) AS last_start FROM (SELECT contract_id, count(*) AS n, sum(premium) AS p, max(start_date) AS last_start FROM read_parquet('{D}/coverages/*.parquet') GROUP BY contract_id) t"
QUERIES[top_n]="SELECT coverage_id, premium, grade FROM read_parquet('{D}/coverages/*.parquet') ORDER BY premium DESC, coverage_id LIMIT 100"
