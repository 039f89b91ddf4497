// A named path inside a comprehension, and its variables do not leak: the
// outer e is still the matched event after the comprehension reuses no name.
MATCH (e:Event)
RETURN e.name,
       [p = (e)-[:IN|FOLLOWED*1..3]->(x) WHERE x:Place | x.name + ' (' + toString(length(p)) + ')'] AS reach
ORDER BY e.name
