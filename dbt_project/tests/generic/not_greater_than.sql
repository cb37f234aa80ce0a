{#- Rows where one column exceeds another, both known (e.g. reach above impressions). -#}
{% test not_greater_than(model, column_name, other_column) %}
select {{ column_name }}, {{ other_column }}
from {{ model }}
where {{ column_name }} is not null and {{ other_column }} is not null and {{ column_name }} > {{ other_column }}
{% endtest %}
