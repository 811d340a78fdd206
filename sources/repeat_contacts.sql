-- `cxreport pull dw` runs this on the data warehouse (docs/sources.md):
-- the share of each day's contacts, per channel, that the same customer
-- follows with another contact within seven days. `daily_repeat_contacts`
-- is the warehouse's daily roll-up of its contact table. One row per date,
-- channel and metric, in the long shape of a KPI file; `weight` makes the
-- weekly and monthly figures weigh each day by its contacts.
SELECT day AS date,
       channel,
       'repeat_contact_rate' AS metric,
       round(100.0 * repeat_contacts / contacts, 1) AS value,
       contacts AS weight
FROM daily_repeat_contacts
WHERE contacts > 0
ORDER BY day, channel;
