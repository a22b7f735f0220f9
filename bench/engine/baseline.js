// Baselines for bench/engine/run.sh: runs one benchmark query with DuckDB (@duckdb/node-api) or
// Polars (nodejs-polars lazy API, equivalent plans), prints "rows=<n> checksum=<text>".
// Usage: node baseline.js duckdb|polars QUERY_NAME DATA_DIR MEMORY_LIMIT THREADS "SQL"
const [engine, name, dir, memLimit, threads, sql] = process.argv.slice(2);
const modules = process.env.PQCHECK_MODULES;
const req = (m) => require(modules ? require.resolve(m, { paths: [modules] }) : m);

async function duckdb() {
  const { DuckDBInstance } = req('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const con = await inst.connect();
  await con.run(`SET memory_limit = '${memLimit}'`);
  await con.run(`SET threads = ${threads}`);
  const result = await con.runAndReadAll(sql);
  const rows = result.getRowObjectsJson();
  return rows;
}

async function polars() {
  const pl = req('nodejs-polars');
  const scan = (t) => pl.scanParquet(`${dir}/${t}/*.parquet`);
  const cov = () => scan('coverages');
  const con = () => scan('contracts');
  const cus = () => scan('customers');
  let q;
  switch (name) {
    case 'seed_stats':
      q = cov().join(con(), { leftOn: 'contract_id', rightOn: 'contract_id' })
        .join(cus(), { leftOn: 'customer_id', rightOn: 'customer_id' })
        .groupBy(['product', 'grade'])
        .agg(pl.len().alias('n'), pl.col('premium').sum().alias('premium'),
             pl.col('premium').mean().alias('avg_premium'), pl.col('premium').std().alias('sd_premium'),
             pl.col('sum_insured').min().alias('min_si'), pl.col('sum_insured').max().alias('max_si'))
        .sort(['product', 'grade']);
      break;
    case 'selective_scan':
      q = cov().filter(pl.col('start_date').gtEq(new Date('2021-03-01')).and(pl.col('start_date').ltEq(new Date('2021-03-31')))
          .and(pl.col('status').eq(pl.lit('active'))))
        .groupBy('grade').agg(pl.len().alias('n'), pl.col('premium').sum().alias('premium')).sort('grade');
      break;
    case 'join3_groupby':
      q = cov().join(con(), { leftOn: 'contract_id', rightOn: 'contract_id' })
        .join(cus().filter(pl.col('region').neq(pl.lit('islands'))), { leftOn: 'customer_id', rightOn: 'customer_id' })
        .groupBy(['region', 'product']).agg(pl.len().alias('n'), pl.col('sum_insured').sum().alias('si'))
        .sort(['region', 'product']);
      break;
    case 'high_card_groupby':
      q = cov().groupBy('contract_id')
        .agg(pl.len().alias('n'), pl.col('premium').sum().alias('p'), pl.col('start_date').max().alias('last_start'))
        .select(pl.len().alias('contracts'), pl.col('n').sum(), pl.col('p').sum(), pl.col('last_start').max());
      break;
    case 'top_n':
      q = cov().select('coverage_id', 'premium', 'grade').sort(['premium', 'coverage_id'], [true, false]).limit(100);
      break;
    default: throw new Error('unknown query ' + name);
  }
  const df = await q.collect();
  const first = df.height > 0 ? String(df.head(1)).replace(/\s+/g, " ") : null;
  return { length: df.height, 0: first };
}

(async () => {
  const started = process.hrtime.bigint();
  const rows = engine === "duckdb" ? await duckdb() : await polars();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`rows=${rows.length} engine_ms=${ms.toFixed(0)} first=${JSON.stringify(rows[0], (k, v) => typeof v === 'bigint' ? v.toString() : v)}`);
})().catch((e) => { console.error(e); process.exit(1); });
