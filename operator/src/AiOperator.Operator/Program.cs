using AiOperator.Operator.Hosting;

return await OperatorCommand.Create().Parse(args).InvokeAsync();
