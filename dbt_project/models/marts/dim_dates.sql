{#- One row per calendar day: the time spine MetricFlow asks metrics by (day, week, month, quarter, year of
    metric_time), and a calendar for BI tools. Fixed bounds (vars time_spine_start and time_spine_end), so the
    table is the same every night. -#}
select {{ explode_days("'" ~ var('time_spine_start') ~ "'", "'" ~ var('time_spine_end') ~ "'") }} as date_day
