-- Dirty source table for the MariaDB-backed end-to-end test of `sluice extract --cast/--contract`
-- (issue 5). The same rows as validate_e2e_test.cc's kDirtyRows, so the expected outputs there
-- (exact output rows, _rejects rows and report counts per on_error mode) apply unchanged, except
-- that the duplicate id must live in a non-key column: MariaDB needs a primary key to chunk on,
-- so `id` here is `order_id` (duplicated) and `pk` is the AUTO_INCREMENT key.
DROP TABLE IF EXISTS dirty_orders;
CREATE TABLE dirty_orders (
  pk       BIGINT AUTO_INCREMENT PRIMARY KEY,
  id       BIGINT NULL,
  amount   VARCHAR(32) NULL,
  qty      VARCHAR(16) NULL,
  created  VARCHAR(16) NULL,
  status   VARCHAR(16) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO dirty_orders (id, amount, qty, created, status) VALUES
  (1, '1,234.50', '3', '2024-01-05', 'new'),
  (2, '  17.00 ', ' 4 ', '2024-01-06', 'paid'),
  (3, '', '1', '2024-01-07', 'paid'),
  (4, 'n/a', '2', '2024-01-08', 'new'),
  (5, '12.345', '1', '2024-01-09', 'new'),
  (6, '-5.00', '1', '2024-01-10', 'shipped'),
  (7, '99,999,999.99', 'x', '2024-01-11', 'new'),
  (8, '20', '2', '2024-02-30', 'lost'),
  (9, '30', '2', '2024-01-12', 'new'),
  (9, '31', '2', '2024-01-13', 'new'),
  (10, NULL, NULL, NULL, NULL),
  (11, '2,000,000', '5', '2024-01-14', 'lost');
