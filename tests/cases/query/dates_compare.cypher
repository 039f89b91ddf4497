MATCH (e:Event) WHERE e.date >= date('2024-11') RETURN e.name AS event, e.date.month AS month ORDER BY event
